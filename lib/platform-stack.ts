import { CfnOutput, CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import type { CfnApi } from 'aws-cdk-lib/aws-apigatewayv2';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { Api } from './api.ts';
import { Auth } from './auth.ts';
import { Data } from './data.ts';
import { DeployWorkflow } from './deploy-workflow.ts';
import { FeatureFlags } from './feature-flags.ts';
import { GenerationWorkflow } from './generation-workflow.ts';
import { Monitoring } from './monitoring.ts';
import { TestRunner } from './test-runner.ts';
import { WebSite } from './web-site.ts';

export interface PlatformStackProps extends StackProps {
  /** The AgentBuilderEdge stack's WAF web ACL (us-east-1) for the web app's CloudFront distribution. */
  webAclArn?: string;
  /** A custom domain for the web app and its ACM certificate (in us-east-1). */
  domain?: { names: string[]; certificateArn: string };
}

/** The platform: data, auth, the generation workflow, the API and its monitoring. No business logic here. */
export class PlatformStack extends Stack {
  constructor(scope: Construct, id: string, props: PlatformStackProps = {}) {
    super(scope, id, props);
    // The operator's choices at deploy time (`cdk deploy --parameters Name=value`).
    const mfa = new CfnParameter(this, 'MfaMode', {
      allowedValues: ['OFF', 'OPTIONAL', 'ON'],
      default: 'OPTIONAL',
      description: 'MFA for builders: ON requires an authenticator app (set up at first sign-in).',
    });
    const threatProtection = new CfnParameter(this, 'ThreatProtection', {
      allowedValues: ['OFF', 'AUDIT', 'ENFORCED'],
      default: 'OFF',
      description: 'Cognito threat protection; AUDIT or ENFORCED switch the user pool to the paid Plus plan.',
    });
    const alarmEmail = new CfnParameter(this, 'AlarmEmail', {
      default: '',
      allowedPattern: '^$|^[^@\\s]+@[^@\\s]+$',
      description:
        'Who gets alarm and budget notifications (confirm the subscription email); empty for none.',
    });
    const monthlyBudget = new CfnParameter(this, 'MonthlyBudgetUsd', {
      type: 'Number',
      default: 100,
      minValue: 1,
      description: "An AWS Budgets alarm on this account's monthly cost, at 80% forecast and 100% actual.",
    });
    const agentVpc = new CfnParameter(this, 'AgentVpcId', {
      default: '',
      description:
        'Deploy to this account: the VPC ECS Fargate agents go into (empty: ECS agents are deployed with the commands only).',
    });
    const agentSubnets = new CfnParameter(this, 'AgentSubnetIds', {
      default: '',
      description:
        'Deploy to this account: the subnets (comma-separated) of AgentVpcId for ECS Fargate agents.',
    });
    const data = new Data(this, 'Data');
    const auth = new Auth(this, 'Auth', {
      mfa: mfa.valueAsString,
      threatProtection: threatProtection.valueAsString,
    });
    const workflow = new GenerationWorkflow(this, 'GenerationWorkflow', {
      table: data.table,
      bucket: data.bucket,
    });
    const testRunner = new TestRunner(this, 'TestRunner', {
      table: data.table,
      bucket: data.bucket,
      userPool: auth.userPool,
      userPoolClient: auth.client,
    });
    const deploy = new DeployWorkflow(this, 'DeployWorkflow', {
      table: data.table,
      bucket: data.bucket,
      agentNetwork: { vpcId: agentVpc.valueAsString, subnetIds: agentSubnets.valueAsString },
    });
    const api = new Api(this, 'Api', {
      table: data.table,
      bucket: data.bucket,
      stateMachine: workflow.stateMachine,
      userPool: auth.userPool,
      userPoolClient: auth.client,
      featureEnvironment: { testing: testRunner.environment, deployments: deploy.environment },
    });
    testRunner.grantStart(api.functions.testing);
    deploy.grantStart(api.functions.deployments);
    const site = new WebSite(this, 'WebSite', {
      apiUrl: api.httpApi.apiEndpoint,
      streamUrl: testRunner.stage.url,
      cognito: { userPoolId: auth.userPool.userPoolId, clientId: auth.client.userPoolClientId },
      ...(props.webAclArn ? { webAclArn: props.webAclArn } : {}),
      ...(props.domain ? { domain: props.domain } : {}),
    });
    // The app calls the API from its CloudFront origin.
    (api.httpApi.node.defaultChild as CfnApi).corsConfiguration = {
      allowOrigins: [`https://${site.distribution.distributionDomainName}`],
      allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
      allowHeaders: ['authorization', 'content-type'],
      exposeHeaders: ['location', 'retry-after'],
      maxAge: 3600,
    };
    const monitoring = new Monitoring(this, 'Monitoring', {
      api: api.httpApi,
      functions: {
        ...api.functions,
        generateTasks: workflow.taskFunction,
        deployTasks: deploy.taskFunction,
        testStream: testRunner.functions.stream,
        runnerStopped: testRunner.functions.taskStopped,
      },
      stateMachine: workflow.stateMachine,
      alarmEmail: alarmEmail.valueAsString,
      deadLetterQueues: { RunnerStopped: testRunner.deadLetterQueue },
    });
    // The flags' deployments are watched by the alarms that say a rollout hurts: API 5xx, generation
    // success, and the rollout alarms per flag variant; any of them rolls a flag change back.
    const flags = new FeatureFlags(this, 'FeatureFlags', { rollbackAlarms: monitoring.rollbackAlarms });
    for (const fn of Object.values(api.functions)) flags.bind(fn);
    // The account's monthly cost, reported to the alarm topic before it passes the operator's budget.
    monitoring.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'BudgetsPublish',
        principals: [new iam.ServicePrincipal('budgets.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [monitoring.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const notify = [{ subscriptionType: 'SNS', address: monitoring.topic.topicArn }];
    new budgets.CfnBudget(this, 'MonthlyBudget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: monthlyBudget.valueAsNumber, unit: 'USD' },
      },
      notificationsWithSubscribers: [
        {
          notification: { notificationType: 'FORECASTED', comparisonOperator: 'GREATER_THAN', threshold: 80 },
          subscribers: notify,
        },
        {
          notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold: 100 },
          subscribers: notify,
        },
      ],
    });

    new CfnOutput(this, 'WebAppUrl', { value: `https://${site.distribution.distributionDomainName}` });
    new CfnOutput(this, 'ApiUrl', { value: api.httpApi.apiEndpoint });
    new CfnOutput(this, 'TestStreamUrl', { value: `${testRunner.stage.url}?token=<Cognito token>` });
    new CfnOutput(this, 'UserPoolId', { value: auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: auth.client.userPoolClientId });
  }
}
