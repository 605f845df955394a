import { featureHandler } from '../core/http.ts';
import { parseOrThrow } from '../core/zod-problems.ts';
import { validateCompatibility } from './compatibility.ts';
import { resolveDependencies } from './dependencies.ts';
import { loadToolRegistry } from './load.ts';
import { ToolFilter } from './registry.ts';

export const handler = featureHandler(
  {
    listTools: ({ query }, { tools }) => tools.filter(parseOrThrow(ToolFilter, query, 'the tool filter')),
    resolveTools: ({ body }, { tools }) => {
      const { ids, language, platform } = body as {
        ids: string[];
        language: 'typescript' | 'python';
        platform?: 'agentcore' | 'ecs-fargate' | 'lambda';
      };
      const dependencies = resolveDependencies(tools, ids, language);
      const compatibility = platform ? validateCompatibility(tools, ids, platform, language) : undefined;
      const ok =
        dependencies.conflicts.length === 0 &&
        dependencies.unsupported.length === 0 &&
        (compatibility?.ok ?? true);
      return { ok, dependencies, ...(compatibility ? { compatibility } : {}) };
    },
  },
  () => ({ tools: loadToolRegistry() }),
);
