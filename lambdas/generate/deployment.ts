import type { DeploymentTarget } from '../agent-spec/schema.ts';
import type { PlannedFile, ProjectContext } from './project.ts';
import { agentcoreFiles } from './targets/agentcore.ts';
import { ecsFargateFiles } from './targets/ecs-fargate.ts';
import { lambdaFiles } from './targets/lambda.ts';
import { sharedFiles } from './targets/shared.ts';

const TARGET_FILES: Record<DeploymentTarget, (context: ProjectContext) => PlannedFile[]> = {
  agentcore: agentcoreFiles,
  'ecs-fargate': ecsFargateFiles,
  lambda: lambdaFiles,
};

/** The deployment artifacts of the spec's target: CloudFormation, scripts, Dockerfile, CDK app. */
export function deploymentFiles(context: ProjectContext): PlannedFile[] {
  return [...sharedFiles(context), ...TARGET_FILES[context.deployment.target](context)];
}
