import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { ECRClient } from '@aws-sdk/client-ecr';
import { SFNClient } from '@aws-sdk/client-sfn';
import { AWS_RETRY } from '../core/adapters/aws-retry.ts';
import { dataAdapters } from '../core/adapters/data.ts';
import { createFeatures } from '../core/adapters/flags.ts';
import type { PlatformConfig } from '../core/config.ts';
import { DynamoDbGenerationRepository } from '../generate/dynamodb-generation-repository.ts';
import { DynamoDbSessionRepository } from '../sessions/dynamodb-session-repository.ts';
import { AwsDeployCloud, StepFunctionsDeployWorkflow } from './aws-deploy-cloud.ts';
import { DynamoDbDeploymentRepository } from './dynamodb-deployment-repository.ts';
import type { DeploymentDeps, DeploySettings } from './service.ts';
import type { DeployTaskDeps } from './workflow.ts';

function settings(config: PlatformConfig): DeploySettings {
  const subnetIds = (config.DEPLOY_SUBNET_IDS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    region: config.AWS_REGION,
    artifactsBucket: config.ARTIFACTS_BUCKET,
    ...(config.DEPLOY_VPC_ID && subnetIds.length > 0
      ? { network: { vpcId: config.DEPLOY_VPC_ID, subnetIds } }
      : {}),
  };
}

/**
 * The deployments feature's adapters. The workflow exists only where the platform runs in AWS
 * (DEPLOY_STATE_MACHINE_ARN set by CDK); locally there is none, and the API says so.
 */
export function platformDeps(config: PlatformConfig): DeploymentDeps {
  const { table, store } = dataAdapters(config);
  return {
    sessions: new DynamoDbSessionRepository(table),
    generations: new DynamoDbGenerationRepository(table),
    store,
    deployments: new DynamoDbDeploymentRepository(table),
    features: createFeatures(config),
    ...(config.DEPLOY_STATE_MACHINE_ARN
      ? {
          workflow: new StepFunctionsDeployWorkflow(
            new SFNClient({ region: config.AWS_REGION, ...AWS_RETRY }),
            config.DEPLOY_STATE_MACHINE_ARN,
          ),
        }
      : {}),
    settings: settings(config),
  };
}

/** The workflow's task Lambda: the records, the project zips, and CodeBuild, ECR and CloudFormation. */
export function taskDeps(config: PlatformConfig): DeployTaskDeps {
  const { table, store } = dataAdapters(config);
  const region = config.AWS_REGION;
  return {
    deployments: new DynamoDbDeploymentRepository(table),
    store,
    cloud: new AwsDeployCloud({
      codebuild: new CodeBuildClient({ region, ...AWS_RETRY }),
      ecr: new ECRClient({ region, ...AWS_RETRY }),
      cloudformation: new CloudFormationClient({ region, ...AWS_RETRY }),
      projectName: config.DEPLOY_BUILD_PROJECT ?? '',
      stackRoleArn: config.DEPLOY_STACK_ROLE_ARN ?? '',
    }),
    settings: settings(config),
  };
}
