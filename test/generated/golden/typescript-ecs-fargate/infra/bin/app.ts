import { App } from 'aws-cdk-lib';
import { AgentStack } from '../lib/agent-stack.js';

const app = new App();
new AgentStack(app, "SupportTriageAgentStack", {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? "us-east-1" },
  description: "The support-triage agent on ecs-fargate",
});
app.synth();
