import { cfnPolicyDocument, imageBuildRoleStatements } from '../iam.ts';
import type { PlannedFile, ProjectContext } from '../project.ts';
import {
  cloudFormationFile,
  getAtt,
  PRIVATE_BUCKET_PROPERTIES,
  REPOSITORY_ARN,
  ref,
  serviceTrust,
  sub,
} from './shared.ts';

// The container image that AgentCore and ECS Fargate both run: Dockerfile, the scripts that build and
// push it, and the CodeBuild project for machines that cannot build an ARM64 image themselves.

/** The image files of a container target. */
export function containerFiles(context: ProjectContext): PlannedFile[] {
  return [
    { path: 'Dockerfile', template: `deploy/Dockerfile.${context.spec.language}` },
    { path: '.dockerignore', template: 'deploy/dockerignore' },
    { path: 'deploy/build-and-push.sh', template: 'deploy/build-and-push.sh' },
    { path: 'deploy/build-with-codebuild.sh', template: 'deploy/build-with-codebuild.sh' },
    { path: 'deploy/buildspec.yml', template: 'deploy/buildspec.yml' },
    cloudFormationFile(
      'deploy/cloudformation/codebuild.yaml',
      'ARM64 image build in CodeBuild',
      codebuildTemplate(context),
      context,
    ),
  ];
}

function codebuildTemplate(context: ProjectContext): object {
  const arm = context.deployment.architecture === 'arm64';
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `Builds the ${context.projectName} agent image on ${arm ? 'ARM64' : 'x86_64'} in AWS CodeBuild (for machines that cannot build it)`,
    Parameters: { RepositoryName: { Type: 'String', Default: context.projectName } },
    Resources: {
      SourceBucket: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          ...PRIVATE_BUCKET_PROPERTIES,
          LifecycleConfiguration: {
            Rules: [{ Id: 'expire-sources', Status: 'Enabled', ExpirationInDays: 7 }],
          },
        },
      },
      BuildLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 14 } },
      BuildRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: serviceTrust('codebuild.amazonaws.com'),
          Policies: [
            {
              PolicyName: 'build',
              PolicyDocument: cfnPolicyDocument(imageBuildRoleStatements(), {
                logGroupArn: getAtt('BuildLogGroup', 'Arn'),
                repositoryArn: REPOSITORY_ARN,
              }),
            },
          ],
        },
      },
      Project: {
        Type: 'AWS::CodeBuild::Project',
        Properties: {
          ServiceRole: getAtt('BuildRole', 'Arn'),
          Artifacts: { Type: 'NO_ARTIFACTS' },
          Environment: {
            Type: arm ? 'ARM_CONTAINER' : 'LINUX_CONTAINER',
            ComputeType: 'BUILD_GENERAL1_SMALL',
            Image: arm
              ? 'aws/codebuild/amazonlinux2-aarch64-standard:3.0'
              : 'aws/codebuild/amazonlinux2-x86_64-standard:5.0',
            PrivilegedMode: true,
            EnvironmentVariables: [
              {
                Name: 'REPOSITORY_URI',
                Value: sub('${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/${RepositoryName}'),
              },
            ],
          },
          Source: {
            Type: 'S3',
            Location: sub('${SourceBucket}/source.zip'),
            BuildSpec: 'deploy/buildspec.yml',
          },
          LogsConfig: { CloudWatchLogs: { Status: 'ENABLED', GroupName: ref('BuildLogGroup') } },
          TimeoutInMinutes: 30,
        },
      },
    },
    Outputs: { ProjectName: { Value: ref('Project') }, SourceBucket: { Value: ref('SourceBucket') } },
  };
}
