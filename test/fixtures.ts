import fc from 'fast-check';
import type { ModelInfo } from '../lambdas/models/schema.ts';
import type { ToolInfo } from '../lambdas/tools/schema.ts';

/** A valid Bedrock model entry; tests override what they are about. */
export function makeModel(overrides: Partial<ModelInfo> = {}): ModelInfo {
  return {
    id: 'vendor.test-model-v1:0',
    provider: 'bedrock',
    vendor: 'Test',
    family: 'test',
    name: 'Test Model',
    description: 'A model for tests.',
    pricing: { inputPerMTok: 1, outputPerMTok: 2, basis: 'test prices' },
    contextWindow: 100_000,
    maxOutputTokens: 4096,
    capabilities: ['tool-use', 'streaming'],
    strengths: ['chat'],
    tier: 'medium',
    regions: ['us-east-1'],
    recommended: true,
    lifecycle: { status: 'active' },
    source: 'https://example.com/prices',
    asOf: '2026-01-01',
    ...overrides,
  };
}

/** A valid tool entry implemented in both languages; tests override what they are about. */
export function makeTool(overrides: Partial<ToolInfo> = {}): ToolInfo {
  return {
    id: 'test_tool',
    name: 'Test tool',
    category: 'utility',
    description: 'A tool for tests.',
    aliases: [],
    implementations: {
      typescript: {
        kind: 'generated',
        module: './tools/test.js',
        symbol: 'testTool',
        dependencies: [{ name: '@strands-agents/sdk', range: '^1.19.0' }],
      },
      python: {
        kind: 'generated',
        module: 'tools.test',
        symbol: 'test_tool',
        dependencies: [{ name: 'strands-agents', range: '>=1.0.0,<2.0.0' }],
      },
    },
    env: [],
    iam: [],
    config: [],
    platforms: {
      agentcore: { status: 'supported' },
      'ecs-fargate': { status: 'supported' },
      lambda: { status: 'supported' },
    },
    conflicts: [],
    alternatives: [],
    example: 'Use it.',
    source: 'https://example.com/tool',
    asOf: '2026-01-01',
    ...overrides,
  };
}

/** Pieces of text that break code generators: quotes, template syntax, escapes, controls, unicode. */
export const NASTY_PIECES = [
  '"',
  "'",
  '`',
  '"""',
  '${',
  '}',
  '{{',
  '}}',
  '\\',
  '\n',
  '\r\n',
  '\t',
  '\0',
  '\u2028',
  '\u202e',
  '\ud800',
  '\udc00',
  '🤖',
  'ש',
  '*/',
  '#{',
  'a',
];

/** Any text, weighted towards what breaks generators. */
export const nastyText = (minLength = 0) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength }) },
    {
      weight: 3,
      arbitrary: fc
        .array(fc.constantFrom(...NASTY_PIECES), { minLength, maxLength: 30 })
        .map((parts) => parts.join('')),
    },
  );
