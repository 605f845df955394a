import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../lambdas/registries/validate.ts';
import { specWithTools } from './specs.ts';
import { generate, registries } from './workspace.ts';

// The optional `guardrail: {id, version}` of the AgentSpec: wired into the Bedrock model of both
// languages, with bedrock:ApplyGuardrail on that guardrail only.
const guardrail = { id: 'gr1a2b3c4d5e', version: '3' };

describe('a Bedrock guardrail in the spec', () => {
  it('is applied by the model of both languages', async () => {
    const python = await generate(specWithTools('python', ['calculator'], { guardrail }));
    expect(python.files['app/model.py']).toContain('guardrail_id="gr1a2b3c4d5e"');
    expect(python.files['app/model.py']).toContain('guardrail_version="3"');
    const typescript = await generate(specWithTools('typescript', ['calculator'], { guardrail }));
    expect(typescript.files['src/model.ts']).toContain(
      'guardrailConfig: { guardrailIdentifier: "gr1a2b3c4d5e", guardrailVersion: "3" }',
    );
  });

  it('lets the agent role apply that guardrail and no other', async () => {
    const project = await generate(specWithTools('python', ['calculator'], { guardrail }));
    const role = project.files['deploy/cloudformation/agentcore-role.yaml'] ?? '';
    expect(role).toContain('bedrock:ApplyGuardrail');
    expect(role).toContain('guardrail/gr1a2b3c4d5e');
    const without = await generate(specWithTools('python', ['calculator']));
    expect(without.files['deploy/cloudformation/agentcore-role.yaml']).not.toContain('ApplyGuardrail');
    expect(without.files['app/model.py']).not.toContain('guardrail');
  });

  it('is refused for a model outside Bedrock, and when its id or version is malformed', () => {
    const ollama = validateSpec(
      specWithTools('python', ['calculator'], { model: 'llama3.1:8b', guardrail }),
      registries,
    );
    if (ollama.ok) throw new Error('expected the guardrail to be refused for an Ollama model');
    expect(ollama.errors).toContainEqual(expect.objectContaining({ path: 'guardrail' }));
    const malformed = validateSpec(
      specWithTools('python', ['calculator'], { guardrail: { id: "gr'; DROP", version: 'latest' } }),
      registries,
    );
    if (malformed.ok) throw new Error('expected a malformed guardrail to be refused');
    expect(malformed.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['guardrail.id', 'guardrail.version']),
    );
  });
});
