import { App, Aspects, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlatformStack } from '../../lib/platform-stack.ts';
import definition from '../../lib/workflows/deployment.asl.json' with { type: 'json' };

let template: Template;
let stack: Stack;

beforeAll(() => {
  // Bundling skipped: the assertions are about the resources and their permissions.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new PlatformStack(app, 'TestPlatform');
  Aspects.of(app).add(new AwsSolutionsChecks());
  app.synth();
  template = Template.fromStack(stack);
}, 120_000);

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
/** Every statement of the inline policies attached to roles whose logical id matches. */
function statementsOf(role: RegExp): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) =>
      (p as { Properties: { Roles: { Ref: string }[] } }).Properties.Roles.some((r) => role.test(r.Ref)),
    )
    .flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    );
}
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const text = (value: unknown) => JSON.stringify(value);

describe('Deploy to this account (CDK)', () => {
  it('passes cdk-nag with no finding on the deployment workflow, its build or its roles', () => {
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(
      errors.filter((e) => e.id.includes('DeployWorkflow')).map((e) => `${e.id}: ${e.entry.data}`),
    ).toEqual([]);
  });

  it('stays cdk-nag clean when the stack has an account and Region (ARNs resolved, not tokens)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const placed = new PlatformStack(app, 'PlacedPlatform', {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    Aspects.of(app).add(new AwsSolutionsChecks());
    app.synth();
    const errors = Annotations.fromStack(placed).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(
      errors.filter((e) => e.id.includes('DeployWorkflow')).map((e) => `${e.id}: ${e.entry.data}`),
    ).toEqual([]);
  }, 120_000);

  it('runs the ASL file as a standard state machine whose tasks are the deployments task Lambda', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine', {
      Properties: { StateMachineType: 'STANDARD' },
    });
    expect(Object.keys(machines)).toHaveLength(1);
    const [machine] = Object.values(machines) as { Properties: { DefinitionSubstitutions: unknown } }[];
    expect(text(machine?.Properties.DefinitionSubstitutions)).toMatch(
      /"DeployTaskFunctionArn":\{"Fn::GetAtt":\["DeployWorkflowTasks[0-9A-F]+","Arn"\]\}/,
    );
    const tasks = Object.values(definition.States).flatMap((s) =>
      'Parameters' in s ? [(s.Parameters as { task: string }).task] : [],
    );
    expect(tasks.sort()).toEqual(['checkBuild', 'checkStack', 'deployStack', 'recordFailure', 'startBuild']);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.taskHandler',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          DEPLOY_BUILD_PROJECT: Match.anyValue(),
          DEPLOY_STACK_ROLE_ARN: Match.anyValue(),
          DEPLOY_VPC_ID: { Ref: 'AgentVpcId' },
        }),
      },
    });
  });

  it('builds agent images on ARM64 in a privileged CodeBuild project from the generated project zip', () => {
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: Match.objectLike({
        Type: 'ARM_CONTAINER',
        Image: 'aws/codebuild/amazonlinux2-aarch64-standard:3.0',
        PrivilegedMode: true,
      }),
      Source: Match.objectLike({ Type: 'S3', BuildSpec: Match.stringLikeRegexp('docker push') }),
    });
  });

  it('lets the CodeBuild role push only to the agents’ ECR repositories', () => {
    const statements = statementsOf(/DeployWorkflowAgentBuildRole/);
    const push = statements.filter((s) => actions(s).includes('ecr:PutImage'));
    expect(push).toHaveLength(1);
    expect(text(push[0]?.Resource)).toContain(':repository/agentbuilder/*');
    // GetAuthorizationToken has no resource; nothing else of ECR is granted on every resource.
    for (const s of statements.filter((s) => s.Resource === '*'))
      expect(actions(s).filter((a) => a.startsWith('ecr:'))).toEqual(['ecr:GetAuthorizationToken']);
  });

  it('lets the task Lambda start only its build, make agent repositories and stacks, and pass only the stack role', () => {
    const statements = statementsOf(/DeployWorkflowTasksServiceRole/);
    const pass = statements.filter((s) => actions(s).includes('iam:PassRole'));
    expect(pass).toHaveLength(1);
    expect(text(pass[0]?.Resource)).toMatch(/DeployWorkflowAgentStackRole[0-9A-F]+/);
    const stacks = statements.find((s) => actions(s).includes('cloudformation:CreateStack'));
    expect(text(stacks?.Resource)).toContain(':stack/agentbuilder-*/*');
    const repos = statements.find((s) => actions(s).includes('ecr:CreateRepository'));
    expect(text(repos?.Resource)).toContain(':repository/agentbuilder/*');
    const builds = statements.find((s) => actions(s).includes('codebuild:StartBuild'));
    expect(text(builds?.Resource)).toMatch(/DeployWorkflowAgentBuild[0-9A-F]+/);
  });

  it('lets CloudFormation pass only the agent roles it creates, each to its own service', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'cloudformation.amazonaws.com' } })],
      }),
    });
    const statements = statementsOf(/DeployWorkflowAgentStackRole/);
    const pass = statements.filter((s) => actions(s).includes('iam:PassRole'));
    expect(pass).toHaveLength(1);
    expect(text(pass[0]?.Resource)).toContain(':role/agentbuilder-*');
    expect(pass[0]?.Condition).toEqual({
      StringEquals: {
        'iam:PassedToService': [
          'bedrock-agentcore.amazonaws.com',
          'ecs-tasks.amazonaws.com',
          'lambda.amazonaws.com',
        ],
      },
    });
    const roles = statements.find((s) => actions(s).includes('iam:CreateRole'));
    expect(text(roles?.Resource)).toContain(':role/agentbuilder-*');
  });

  it('lets the deployments API Lambda start the workflow, and tells it where', () => {
    const statements = statementsOf(/ApiDeploymentsFunctionServiceRole/);
    const start = statements.find((s) => actions(s).includes('states:StartExecution'));
    expect(text(start?.Resource)).toMatch(/DeployWorkflowStateMachine[0-9A-F]+/);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: { Variables: Match.objectLike({ DEPLOY_STATE_MACHINE_ARN: Match.anyValue() }) },
    });
  });
});
