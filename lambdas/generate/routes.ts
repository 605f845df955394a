import { binaryContent, defineRoutes, IdParams, textContent } from '../core/contract.ts';
import { DeployPlan, GenerateBody, Generation, Versions } from './model.ts';

/** The generate feature: an AgentSpec (or a session's) → a complete project, its files and its zip. */
export const generateRoutes = defineRoutes('generate', {
  generate: {
    method: 'POST',
    path: '/api/code-generation/generate',
    auth: true,
    summary: 'Generate a project from a session or a spec',
    description:
      'A spec that is not valid is refused with every problem listed by path (422 when a tool setting would widen the agent’s IAM permissions); a failed generation is recorded with its reason.',
    body: GenerateBody,
    responses: { 201: Generation },
    errors: [404, 422],
    rateLimited: true,
  },
  listVersions: {
    method: 'GET',
    path: '/api/sessions/{id}/versions',
    auth: true,
    summary: "The versions of a session's agent, and whether its code is out of date",
    description:
      'Every successful generation of the session is a version (v1, v2, …) with what changed in the spec since the previous one, newest first. `current.upToDate` is false when the selections changed after the latest version.',
    params: IdParams,
    responses: { 200: Versions },
    errors: [404],
  },
  getGeneration: {
    method: 'GET',
    path: '/api/code-generation/{id}',
    auth: true,
    summary: 'A generation and its files',
    params: IdParams,
    responses: { 200: Generation },
    errors: [404],
  },
  getGeneratedFile: {
    method: 'GET',
    path: '/api/code-generation/{id}/files/{path+}',
    auth: true,
    summary: 'One generated file',
    params: IdParams.extend({ path: IdParams.shape.id.max(500) }),
    responses: { 200: textContent('text/plain; charset=utf-8', 'the file, as text') },
    errors: [404],
  },
  deployPlan: {
    method: 'GET',
    path: '/api/code-generation/{id}/deploy-plan',
    auth: true,
    summary: "A version's deploy step: prerequisites, commands, cost and the agent's IAM",
    description:
      "Read from the generated project: the checklist for its target, the exact commands of its `deploy/` scripts in order, how to invoke and tear it down, the estimated monthly cost and every statement of the agent's role.",
    params: IdParams,
    responses: { 200: DeployPlan },
    errors: [404, 409],
  },
  downloadGeneration: {
    method: 'GET',
    path: '/api/code-generation/{id}/download',
    auth: true,
    summary: 'The project as a zip',
    params: IdParams,
    responses: { 200: binaryContent('application/zip', 'the project, with execute bits kept') },
    errors: [404],
  },
});
