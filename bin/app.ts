import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PlatformStack } from '../lib/platform-stack.ts';

// `cdk synth` / `cdk deploy` entry (cdk.json). Works offline: no lookups, no account needed to synthesise.
const app = new App();
new PlatformStack(app, 'AgentBuilderPlatform', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'Agent Builder Platform: API, sessions, code generation, cost estimates',
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
app.synth();
