import { z } from 'zod';
import { DeploymentTarget, Language } from '../agent-spec/schema.ts';
import { defineRoutes } from '../core/contract.ts';
import { CompatibilityReport } from './compatibility.ts';
import { DependencySet } from './dependencies.ts';
import { ToolFilter } from './registry.ts';
import { ToolInfo } from './schema.ts';

export const ResolveToolsBody = z
  .object({
    ids: z.array(z.string()).min(1).max(40),
    language: Language,
    platform: DeploymentTarget.optional(),
  })
  .strict();

export const ResolvedTools = z.object({
  /** No conflicts, every tool implemented in the language, and (with a platform) every tool runs there. */
  ok: z.boolean(),
  dependencies: DependencySet,
  compatibility: CompatibilityReport.optional(),
});
export type ResolvedTools = z.infer<typeof ResolvedTools>;

/** The tools feature: the registry of agent tools, dependency resolution and platform compatibility. */
export const toolRoutes = defineRoutes('tools', {
  listTools: {
    method: 'GET',
    path: '/api/tools',
    auth: true,
    summary: 'List tools, filtered',
    query: ToolFilter,
    responses: { 200: z.array(ToolInfo) },
  },
  resolveTools: {
    method: 'POST',
    path: '/api/tools/resolve',
    auth: true,
    summary: 'Merge the dependencies of a tool selection and check it against a target',
    description:
      'Every compatibility problem carries `fixes`: spec patches (another tool, another target, dropping a tool) to apply as is.',
    body: ResolveToolsBody,
    responses: { 200: ResolvedTools },
    errors: [404],
  },
});
