import { agentRoleStatements, cfnPolicyDocument, subLiteral } from '../iam.ts';
import type { PlannedFile, ProjectContext } from '../project.ts';
import { containerFiles } from './container.ts';
import {
  cloudFormationFile,
  getAtt,
  REPOSITORY_ARN,
  ref,
  SECRET_ARNS,
  secretParameters,
  sub,
} from './shared.ts';

/** Amazon Bedrock AgentCore Runtime: the container image and the runtime's execution role. */
export function agentcoreFiles(context: ProjectContext): PlannedFile[] {
  return [
    ...containerFiles(context),
    cloudFormationFile(
      'deploy/cloudformation/agentcore-role.yaml',
      'AgentCore Runtime execution role',
      agentcoreTemplate(context),
      context,
    ),
  ];
}

function agentcoreTemplate(context: ProjectContext): object {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `Execution role of the ${context.projectName} agent on Amazon Bedrock AgentCore Runtime`,
    Parameters: {
      RepositoryName: {
        Type: 'String',
        Default: context.projectName,
        Description: 'ECR repository holding the agent image',
      },
      ...secretParameters(context),
    },
    Resources: {
      RuntimeRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Description: `Execution role of the ${subLiteral(context.projectName)} AgentCore runtime`,
          AssumeRolePolicyDocument: agentcoreTrust(),
          Policies: [
            {
              PolicyName: 'agent',
              PolicyDocument: cfnPolicyDocument(agentRoleStatements(context), {
                repositoryArn: REPOSITORY_ARN,
                secretArns: SECRET_ARNS,
              }),
            },
          ],
        },
      },
    },
    Outputs: { RuntimeRoleArn: { Value: getAtt('RuntimeRole', 'Arn') } },
  };
}

/** The AgentCore trust policy: the service, for runtimes in this account and Region only. */
function agentcoreTrust() {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AgentCoreRuntimeOnly',
        Effect: 'Allow',
        Principal: { Service: 'bedrock-agentcore.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
          ArnLike: {
            'aws:SourceArn': sub(
              'arn:${AWS::Partition}:bedrock-agentcore:${AWS::Region}:${AWS::AccountId}:*',
            ),
          },
        },
      },
    ],
  };
}
