import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AgentSpecInput, DeploymentTarget, Language } from '../../lambdas/agent-spec/schema.ts';
import { generateAgentProject } from '../../lambdas/generate/generate.ts';
import { loadModelRegistry } from '../../lambdas/models/load.ts';
import { loadToolRegistry } from '../../lambdas/tools/load.ts';

// Golden files: one whole generated project per language and deployment target, kept under
// golden/<language>-<target>/, so that any change to a template or to a file built in code shows up
// as a reviewable diff. Regenerate with `npx vitest run test/generated/golden.test.ts -u` (`-u` last:
// it takes an optional value, so placed first it would swallow the path), then read the diff.

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
const registries = { models: loadModelRegistry(), tools: loadToolRegistry() };

/**
 * A realistic agent: a model that needs a cross-Region inference profile, tools with settings (one of
 * them an HTTP allowlist, one holding a secret), a multi-line prompt with quotes.
 */
function goldenSpec(language: Language, target: DeploymentTarget): AgentSpecInput {
  return {
    name: 'Support Triage',
    description: 'Triages support tickets, looks up answers in the knowledge base and drafts replies.',
    language,
    model: 'anthropic.claude-haiku-4-5-20251001-v1:0',
    systemPrompt: [
      'You are the support triage agent of Example Corp.',
      'Classify each ticket as "billing", "bug" or "question", then draft a short reply.',
      'Look answers up in the knowledge base first; search the web only when it has nothing.',
    ].join('\n'),
    tools: ['calculator', 'http_request', 'knowledge_base_retrieve', 'tavily_search'],
    toolConfig: {
      http_request: { allowedDomains: ['api.example.com', 'status.example.com'] },
      knowledge_base_retrieve: { knowledgeBaseId: 'KB12345678', numberOfResults: 3 },
      tavily_search: { maxResults: 3 },
    },
    deployment: { target, region: 'us-east-1', memoryMb: 2048, timeoutSeconds: 60 },
  };
}

/** Git would obey a `.gitignore` inside the golden tree, so it is kept as `gitignore` (as in templates/). */
const goldenName = (path: string) => path.replace(/(^|\/)\.gitignore$/, '$1gitignore');

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

const combos = (['typescript', 'python'] as const).flatMap((language) =>
  (['agentcore', 'ecs-fargate', 'lambda'] as const).map((target) => ({ language, target })),
);

describe('golden generated projects', () => {
  it.each(combos)(
    '$language on $target matches test/generated/golden/$language-$target',
    async ({ language, target }) => {
      const project = await generateAgentProject(goldenSpec(language, target), registries);
      const dir = join(GOLDEN, `${language}-${target}`);

      for (const [path, content] of Object.entries(project.files)) {
        await expect(content, path).toMatchFileSnapshot(join(dir, goldenName(path)));
      }

      // A file the generator no longer writes would otherwise linger here unnoticed: delete it.
      const expected = Object.keys(project.files).map(goldenName).sort();
      expect(filesUnder(dir).filter((path) => !expected.includes(path))).toEqual([]);
    },
  );
});
