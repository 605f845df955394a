import { describe, expect, it } from 'vitest';
import { createAgent } from '../src/agent.js';
import { loadConfig } from '../src/config.js';
import { createModel } from '../src/model.js';
import { createTools, TOOL_FACTORIES } from '../src/tools/index.js';
import { TEST_ENV } from './helpers/env.js';
import { ScriptedModel } from './helpers/scripted-model.js';

// The spec's values, encoded independently of the source code (UTF-16 code units, base64), so these
// tests catch any change to the text on its way into the code.
const SPEC_SYSTEM_PROMPT = Buffer.from("WQBvAHUAIABhAHIAZQAgAHQAaABlACAAcwB1AHAAcABvAHIAdAAgAHQAcgBpAGEAZwBlACAAYQBnAGUAbgB0ACAAbwBmACAARQB4AGEAbQBwAGwAZQAgAEMAbwByAHAALgAKAEMAbABhAHMAcwBpAGYAeQAgAGUAYQBjAGgAIAB0AGkAYwBrAGUAdAAgAGEAcwAgACIAYgBpAGwAbABpAG4AZwAiACwAIAAiAGIAdQBnACIAIABvAHIAIAAiAHEAdQBlAHMAdABpAG8AbgAiACwAIAB0AGgAZQBuACAAZAByAGEAZgB0ACAAYQAgAHMAaABvAHIAdAAgAHIAZQBwAGwAeQAuAAoATABvAG8AawAgAGEAbgBzAHcAZQByAHMAIAB1AHAAIABpAG4AIAB0AGgAZQAgAGsAbgBvAHcAbABlAGQAZwBlACAAYgBhAHMAZQAgAGYAaQByAHMAdAA7ACAAcwBlAGEAcgBjAGgAIAB0AGgAZQAgAHcAZQBiACAAbwBuAGwAeQAgAHcAaABlAG4AIABpAHQAIABoAGEAcwAgAG4AbwB0AGgAaQBuAGcALgA=", 'base64').toString('utf16le');
const SPEC_MODEL_ID = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
const SPEC_TOOL_IDS: string[] = ["calculator", "http_request", "knowledge_base_retrieve", "tavily_search"];

describe('the generated agent', () => {
  it('uses exactly the system prompt of the spec', async () => {
    const agent = createAgent(await loadConfig(TEST_ENV), { model: new ScriptedModel([]) });
    expect(agent.systemPrompt).toBe(SPEC_SYSTEM_PROMPT);
  });

  it('calls the model of the spec by default', async () => {
    const model = createModel(await loadConfig(TEST_ENV));
    expect(model.modelId).toBe(SPEC_MODEL_ID);
  });

  it('has exactly the tools of the spec, in order', async () => {
    expect(TOOL_FACTORIES.map((t) => t.id)).toEqual(SPEC_TOOL_IDS);
    const config = await loadConfig(TEST_ENV);
    const built = TOOL_FACTORIES.map((t) => t.create(config));
    expect(built).toHaveLength(SPEC_TOOL_IDS.length);
    const agent = createAgent(config, { model: new ScriptedModel([]) });
    const localToolNames = built.flatMap((t) => ('name' in t && typeof t.name === 'string' ? [t.name] : []));
    expect(agent.tools.map((t) => t.name)).toEqual(expect.arrayContaining(localToolNames));
  });

  it('gives the model an object input schema, every parameter described, for each tool', async () => {
    const config = await loadConfig(TEST_ENV);
    for (const entry of TOOL_FACTORIES) {
      const built = entry.create(config);
      if (!('toolSpec' in built)) continue; // an MCP server describes its own tools
      const schema = built.toolSpec.inputSchema as { type?: string; properties?: Record<string, { description?: string }>; oneOf?: unknown; anyOf?: unknown };
      expect(schema.type, entry.id).toBe('object');
      expect(schema.oneOf ?? schema.anyOf, entry.id).toBeUndefined();
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        expect(property.description?.trim(), `${entry.id}.${name}`).toBeTruthy();
      }
    }
  });

  it('sends the system prompt to the model and returns its answer', async () => {
    const model = new ScriptedModel([{ text: 'Hello from the test model.' }]);
    const config = await loadConfig(TEST_ENV);
    // The tools that run in this process: an MCP client would start its server (or call it) here.
    const tools = createTools(config).filter((t) => 'toolSpec' in t);
    const agent = createAgent(config, { model, tools });
    const result = await agent.invoke('Hi');
    expect(result.toString()).toContain('Hello from the test model.');
    expect(model.requests[0]?.systemPrompt).toEqual(expect.anything());
  });

  it('refuses to start without its required settings, naming them', async () => {
    await expect(loadConfig({})).rejects.toThrow(/TAVILY_API_KEY/);
  });
});
