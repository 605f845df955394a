import type { DeploymentTarget } from '../agent-spec/schema.ts';
import type { Deployment } from './model.ts';

// The deployments feature's ports: where its records live, how the workflow starts, and the AWS
// services the workflow drives (CodeBuild, ECR, CloudFormation). The real adapters are in
// aws-deploy-cloud.ts and dynamodb-deployment-repository.ts; tests use stand-ins.

/** A deployment as stored: what the API shows, whose it is, and the workflow's own state. */
export interface DeploymentRecord extends Deployment {
  owner: string;
  /** Where the generated project's zip is in the artifacts bucket, and its top-level folder. */
  sourceKey: string;
  projectFolder: string;
  repositoryName?: string;
  imageUri?: string;
  /** The Lambda package CodeBuild uploads (Lambda target). */
  packageKey?: string;
  buildId?: string;
  executionArn?: string;
}

/** A stored record and the version its next write must be conditional on. */
export interface Versioned<T> {
  value: T;
  version: number;
}

/** The latest deployment per session and target (DynamoDB in AWS, a Map in tests). */
export interface DeploymentRepository {
  get(sessionId: string, target: DeploymentTarget): Promise<Versioned<DeploymentRecord> | undefined>;
  list(sessionId: string): Promise<DeploymentRecord[]>;
  /** Writes `record` if the stored one is still at `expectedVersion` (0: none yet); false when not. */
  put(record: DeploymentRecord, expectedVersion: number): Promise<boolean>;
}

/** What the deployment workflow's executions are started with. */
export interface DeployExecutionInput {
  sessionId: string;
  target: DeploymentTarget;
  deploymentId: string;
}

/** Starts the deployment workflow (a Step Functions standard state machine). */
export interface DeployWorkflow {
  /** The execution's ARN. */
  start(input: DeployExecutionInput): Promise<string>;
}

/** An image (or Lambda package) build to start in the platform's CodeBuild project. */
export interface ImageBuildRequest {
  /** `bucket/key` of the project's zip in the artifacts bucket. */
  sourceKey: string;
  projectFolder: string;
  target: DeploymentTarget;
  /** Container targets: the ECR repository and tag to push. */
  repositoryName?: string;
  imageTag?: string;
  /** Lambda target: where to upload the package in the artifacts bucket. */
  packageKey?: string;
  /** Idempotency: the same token starts one build only. */
  token: string;
}

/** Where a build is: CodeBuild's status, its current phase, and why it failed. */
export interface ImageBuildState {
  status: 'in-progress' | 'succeeded' | 'failed';
  /** CodeBuild's phase (`BUILD`, `POST_BUILD`, …). */
  currentPhase?: string;
  reason?: string;
}

/** A stack to create or update with the platform's CloudFormation role. */
export interface StackRequest {
  stackName: string;
  templateBody: string;
  parameters: Record<string, string>;
}

/** Where a stack is: settled, still going, or failed (rolled back) with the first event that failed. */
export interface StackState {
  status: 'in-progress' | 'complete' | 'failed';
  reason?: string;
  outputs: Record<string, string>;
}

/** The AWS services a deployment drives. */
export interface DeployCloud {
  /** Creates the agent's ECR repository if it does not exist yet; its URI. */
  ensureRepository(name: string): Promise<string>;
  startImageBuild(request: ImageBuildRequest): Promise<string>;
  imageBuild(buildId: string): Promise<ImageBuildState>;
  /** Creates the stack, or updates it when it exists; `unchanged` when an update has nothing to do. */
  deployStack(request: StackRequest): Promise<'created' | 'updated' | 'unchanged'>;
  stack(stackName: string): Promise<StackState>;
}
