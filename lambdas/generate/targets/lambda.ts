import { agentRoleStatements, cfnPolicyDocument } from '../iam.ts';
import type { PlannedFile, ProjectContext } from '../project.ts';
import {
  cloudFormationFile,
  getAtt,
  ref,
  runtimeEnvironment,
  SECRET_ARNS,
  secretParameters,
  serviceTrust,
  sub,
} from './shared.ts';

/** AWS Lambda: the packaging script for the language and a function with an IAM-authenticated URL. */
export function lambdaFiles(context: ProjectContext): PlannedFile[] {
  return [
    { path: 'deploy/lambda/package.sh', template: `deploy/lambda/package-${context.spec.language}.sh` },
    cloudFormationFile(
      'deploy/cloudformation/lambda.yaml',
      'AWS Lambda deployment',
      lambdaTemplate(context),
      context,
    ),
  ];
}

function lambdaTemplate(context: ProjectContext): object {
  const env = runtimeEnvironment(context);
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `The ${context.projectName} agent on AWS Lambda with an IAM-authenticated function URL`,
    Parameters: {
      AgentName: { Type: 'String', Default: context.projectName, AllowedPattern: '^[a-zA-Z0-9-_]{1,64}$' },
      CodeBucket: {
        Type: 'String',
        Description: 'Bucket holding the deployment package (deploy/lambda/deploy.sh uploads it)',
      },
      CodeKey: { Type: 'String' },
      ...secretParameters(context),
    },
    Resources: {
      LogGroup: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: sub('/aws/lambda/${AgentName}'), RetentionInDays: 30 },
      },
      FunctionRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: serviceTrust('lambda.amazonaws.com'),
          Policies: [
            {
              PolicyName: 'agent',
              PolicyDocument: cfnPolicyDocument(agentRoleStatements(context), {
                logGroupArn: getAtt('LogGroup', 'Arn'),
                secretArns: SECRET_ARNS,
              }),
            },
          ],
        },
      },
      Function: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: ref('AgentName'),
          Runtime: context.spec.language === 'typescript' ? 'nodejs22.x' : 'python3.12',
          Architectures: [context.deployment.architecture],
          Handler:
            context.spec.language === 'typescript' ? 'dist/lambda.handler' : 'app.lambda_handler.handler',
          Code: { S3Bucket: ref('CodeBucket'), S3Key: ref('CodeKey') },
          MemorySize: context.lambdaMemory,
          Timeout: context.deployment.timeoutSeconds,
          Role: getAtt('FunctionRole', 'Arn'),
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: { LogGroup: ref('LogGroup'), LogFormat: 'JSON' },
          Environment: {
            Variables: Object.fromEntries(Object.entries(env).filter(([name]) => name !== 'AWS_REGION')),
          },
        },
      },
      FunctionUrl: {
        Type: 'AWS::Lambda::Url',
        Properties: {
          AuthType: 'AWS_IAM',
          TargetFunctionArn: getAtt('Function', 'Arn'),
          InvokeMode: 'BUFFERED',
        },
      },
    },
    Outputs: {
      FunctionName: { Value: ref('Function') },
      FunctionUrl: { Value: getAtt('FunctionUrl', 'FunctionUrl') },
    },
  };
}
