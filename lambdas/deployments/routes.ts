import { defineRoutes, IdParams } from '../core/contract.ts';
import { Deployment, DeploymentParams, SessionDeployments, StartDeploymentBody } from './model.ts';

/** Deploy to this account: a session's agent into the AWS account the platform runs in. */
export const deploymentRoutes = defineRoutes('deployments', {
  listDeployments: {
    method: 'GET',
    path: '/api/sessions/{id}/deployments',
    auth: true,
    summary: "A session's deployments, and whether the platform can deploy it for you",
    description:
      '`available` is false where the platform does not run in an AWS account (`npm start`) or the deploy-to-account feature is off for you; `unavailable` says which, in words to show.',
    params: IdParams,
    responses: { 200: SessionDeployments },
    errors: [404],
  },
  startDeployment: {
    method: 'POST',
    path: '/api/sessions/{id}/deployments',
    auth: true,
    summary: 'Deploy a version of the agent into this account',
    description:
      "Builds the agent's image (or Lambda package) in CodeBuild, pushes it to ECR and creates or updates the agent's CloudFormation stack, in a Step Functions workflow. Answers 202 at once; follow `phase` with `GET /api/sessions/{id}/deployments/{target}`. One stack per session and target: deploying again updates it.",
    params: IdParams,
    body: StartDeploymentBody,
    responses: { 202: Deployment },
    errors: [403, 404, 409, 502],
  },
  getDeployment: {
    method: 'GET',
    path: '/api/sessions/{id}/deployments/{target}',
    auth: true,
    summary:
      "The latest deployment of the agent to one target: its phase, the failure's reason, the endpoint",
    params: DeploymentParams,
    responses: { 200: Deployment },
    errors: [404],
  },
});
