import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../bin/cli/program.ts';

/**
 * Runs the CLI in this process, as `npm run cli -- …` would run it, with its output captured: the
 * process wrapper (bin/cli.ts) only connects these sinks to stdout and stderr (test/cli/process.test.ts
 * covers that wrapper).
 */
async function cli(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string; binary: Uint8Array }> {
  let stdout = '';
  let stderr = '';
  const chunks: Uint8Array[] = [];
  const code = await runCli(args, {
    out: (text) => {
      stdout += `${text}\n`;
    },
    err: (text) => {
      stderr += `${text}\n`;
    },
    binary: (data) => {
      chunks.push(data);
    },
  });
  return { code, stdout, stderr, binary: new Uint8Array(Buffer.concat(chunks)) };
}

describe('agent-builder CLI (in process)', () => {
  it('prints an overview with no command', async () => {
    const { code, stdout } = await cli();
    expect(code).toBe(0);
    expect(stdout).toMatch(/\d+ models: \d+ bedrock/);
    expect(stdout).toMatch(/\d+ tools in \d+ categories/);
  });

  it('lists models as a table, and as JSON that matches the filters', async () => {
    const table = await cli(
      'models',
      '--provider',
      'bedrock',
      '--capability',
      'vision',
      '--max-input-price',
      '1',
    );
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('amazon.nova-lite-v1:0');
    expect(table.stdout).not.toContain('gpt-4o');
    const { stdout } = await cli(
      'models',
      '--provider',
      'bedrock',
      '--capability',
      'vision',
      '--max-input-price',
      '1',
      '--json',
    );
    const models = JSON.parse(stdout) as {
      provider: string;
      capabilities: string[];
      pricing: { inputPerMTok: number };
    }[];
    expect(models.length).toBeGreaterThan(0);
    for (const m of models) {
      expect(m.provider).toBe('bedrock');
      expect(m.capabilities).toContain('vision');
      expect(m.pricing.inputPerMTok).toBeLessThanOrEqual(1);
    }
  });

  it('rejects an unknown provider, saying which are valid', async () => {
    const { code, stderr } = await cli('models', '--provider', 'acme');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/Allowed choices are bedrock, ollama, openai, anthropic/);
  });

  it('rejects a bad number and an unknown option', async () => {
    const price = await cli('models', '--max-input-price', 'cheap');
    expect(price.code).not.toBe(0);
    expect(price.stderr).toMatch(/expected a number/);
    const unknown = await cli('models', '--provder', 'bedrock');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown option '--provder'[\s\S]*--provider/);
  });

  it('recommends models with scores and reasons, Bedrock first', async () => {
    const { code, stdout } = await cli(
      'models',
      'recommend',
      '--use-case',
      'summarise long contracts',
      '--budget',
      '50',
      '--json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      recommendations: { score: number; reasons: string[]; model: { provider: string } }[];
    };
    expect(result.recommendations.length).toBeGreaterThan(0);
    expect(result.recommendations[0]?.model.provider).toBe('bedrock');
    expect(result.recommendations[0]?.reasons.join(' ')).toMatch(/budget/);
  });

  it('lists current models with their lifecycle, retired ones only when asked for', async () => {
    const current = JSON.parse((await cli('models', '--json')).stdout) as { lifecycle: { status: string } }[];
    expect(current.length).toBeGreaterThan(100);
    expect(current.every((m) => m.lifecycle.status !== 'retired')).toBe(true);
    const all = JSON.parse((await cli('models', '--include-retired', '--json')).stdout) as {
      lifecycle: { status: string; replacement?: string };
    }[];
    const retired = all.filter((m) => m.lifecycle.status === 'retired');
    expect(retired.length).toBeGreaterThan(0);
    expect(retired.every((m) => m.lifecycle.replacement)).toBe(true);
    expect((await cli('models', '--provider', 'anthropic')).stdout).toMatch(/legacy/);
  });

  it('recommends for the chosen tools, marking the models over budget', async () => {
    const { code, stdout } = await cli(
      'models',
      'recommend',
      '--use-case',
      'summarise reports',
      '--tools',
      'calculator,current_time',
      '--budget',
      '1',
      '--requests',
      '100000',
      '--input-tokens',
      '5000',
      '--output-tokens',
      '1000',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('Uses the chosen tools (calculator, current_time): supports tool use.');
    expect(stdout).toContain('over budget');
  });

  it('requires all three workload options together', async () => {
    const { code, stderr } = await cli('models', 'recommend', '--use-case', 'chat', '--requests', '100');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--requests, --input-tokens and --output-tokens together/);
  });

  it('compares models, and names an unknown id with suggestions', async () => {
    const ok = await cli(
      'models',
      'compare',
      'amazon.nova-pro-v1:0',
      'anthropic.claude-haiku-4-5-20251001-v1:0',
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Cheapest for this workload: Amazon Nova Pro/);
    const bad = await cli('models', 'compare', 'amazon.nova-pro-v1:0', 'nova-lite');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown model id "nova-lite"; did you mean "amazon.nova-lite-v1:0"/);
    const one = await cli('models', 'compare', 'amazon.nova-pro-v1:0');
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/ids: compare at least 2 models/);
  });

  it('lists tools for a platform and language', async () => {
    const { code, stdout } = await cli('tools', '--platform', 'lambda', '--language', 'typescript', '--json');
    expect(code).toBe(0);
    const tools = JSON.parse(stdout) as { id: string; platforms: { lambda: { status: string } } }[];
    expect(tools.map((t) => t.id)).not.toContain('shell');
    expect(tools.every((t) => t.platforms.lambda.status !== 'unsupported')).toBe(true);
  });

  it('resolves a tool selection into requirement lines and exits 0 when it is clean', async () => {
    const { code, stdout } = await cli(
      'tools',
      'resolve',
      'knowledge_base_retrieve',
      'mem0_memory',
      '--language',
      'python',
      '--platform',
      'agentcore',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('strands-agents-tools[mem0_memory]>=0.2.0,<1.0.0');
    expect(stdout).toContain('boto3>=1.35.0,<2.0.0');
    expect(stdout).toMatch(/resolves cleanly/);
  });

  it('exits 1 with alternatives when a tool cannot run on the target', async () => {
    const { code, stdout } = await cli(
      'tools',
      'resolve',
      'shell',
      '--language',
      'typescript',
      '--platform',
      'lambda',
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/Shell cannot run on lambda[\s\S]*Try instead: code_interpreter/);
  });

  it('requires --language for resolve and rejects unknown tools', async () => {
    const missing = await cli('tools', 'resolve', 'shell');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--language <language>' not specified/);
    const unknown = await cli('tools', 'resolve', 'hammer', '--language', 'python');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown tool id "hammer"/);
  });

  it('shows one tool with the IAM actions it needs', async () => {
    const { code, stdout } = await cli('tools', 'show', 'code_interpreter');
    expect(code).toBe(0);
    expect(stdout).toContain('bedrock-agentcore:InvokeCodeInterpreter');
  });

  describe('generate', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'agent-builder-cli-'));

    it('writes the project, prints its tree and next steps, and refuses a non-empty directory without --force', async () => {
      const out = join(scratch, 'triage');
      const first = await cli('generate', '--spec', 'examples/support-triage.yaml', '--out', out);
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/Generated typescript project "support-triage"/);
      expect(first.stdout).toMatch(/src\/\n\s+agent\.ts/);
      expect(first.stdout).toMatch(/npm install && npm run build && npm test/);
      expect(readFileSync(join(out, 'src', 'prompt.ts'), 'utf8')).toContain(
        'You are the support triage agent for Example Corp.',
      );
      const again = await cli('generate', '--spec', 'examples/support-triage.yaml', '--out', out);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/not empty; .* --force/);
      expect(
        (await cli('generate', '--spec', 'examples/support-triage.yaml', '--out', out, '--force')).code,
      ).toBe(0);
    });

    it('overrides the language and the target from the command line', async () => {
      const out = join(scratch, 'py');
      const { code, stdout } = await cli(
        'generate',
        '--spec',
        'examples/support-triage.yaml',
        '--out',
        out,
        '--language',
        'python',
        '--target',
        'ecs-fargate',
        '--json',
      );
      expect(code).toBe(0);
      const summary = JSON.parse(stdout) as { language: string; files: string[] };
      expect(summary.language).toBe('python');
      expect(existsSync(join(out, 'app', 'main.py'))).toBe(true);
      expect(statSync(join(out, 'requirements.txt')).size).toBeGreaterThan(0);
    });

    it('writes a zip to stdout with --out -', async () => {
      const { code, stdout, binary } = await cli(
        'generate',
        '--spec',
        'examples/support-triage.yaml',
        '--out',
        '-',
      );
      expect(code).toBe(0);
      expect(stdout).toBe('');
      const files = unzipSync(binary);
      expect(Object.keys(files)).toContain('support-triage/src/agent.ts');
    });

    it('rejects an invalid spec, listing every problem by path, and writes nothing', async () => {
      const spec = join(scratch, 'bad.yaml');
      writeFileSync(
        spec,
        'name: Bad\nmodel: nope\nsystemPrompt: hi\ntools: [shell, zzz]\ndeployment: { target: lambda }\ncolour: red\n',
      );
      const out = join(scratch, 'bad');
      const { code, stderr } = await cli('generate', '--spec', spec, '--out', out);
      expect(code).toBe(2);
      expect(stderr).toMatch(/- colour: unknown field/);
      expect(stderr).toMatch(/- model: unknown model id "nope"/);
      expect(stderr).toMatch(/- tools\[1\]: unknown tool id "zzz"/);
      expect(existsSync(out)).toBe(false);
    });

    it('names a missing spec file', async () => {
      const { code, stderr } = await cli('generate', '--spec', 'no/such.yaml', '--out', join(scratch, 'x'));
      expect(code).toBe(2);
      expect(stderr).toMatch(/spec file not found: no\/such.yaml/);
    });
  });

  it('prints the AgentSpec JSON Schema', async () => {
    const { code, stdout } = await cli('spec-schema');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { properties: Record<string, unknown> }).properties).toHaveProperty(
      'systemPrompt',
    );
  });

  describe('cost', () => {
    it('prints line items, totals, advice and assumptions', async () => {
      const { code, stdout } = await cli('cost', '--spec', 'examples/support-triage.yaml');
      expect(code).toBe(0);
      expect(stdout).toMatch(/Claude Haiku 4\.5 input tokens[\s\S]*\$24\.00/);
      expect(stdout).toMatch(/total\s+│\s+\$\d/);
      expect(stdout).toMatch(/How to spend less:\n1\. /);
      expect(stdout).toMatch(/Assumptions:/);
    });

    it('prints the estimate as JSON, totals equal to the sum of line items', async () => {
      const { stdout } = await cli('cost', '--spec', 'examples/support-triage.yaml', '--json');
      const estimate = JSON.parse(stdout) as { monthly: { total: number }; lineItems: { costUsd: number }[] };
      const sum = estimate.lineItems.reduce((s, i) => s + Math.round(i.costUsd * 1e6), 0);
      expect(Math.round(estimate.monthly.total * 1e6)).toBe(sum);
    });

    it('names the bad field of an invalid spec', async () => {
      const scratch = mkdtempSync(join(tmpdir(), 'agent-builder-cost-'));
      const spec = join(scratch, 'bad.json');
      writeFileSync(
        spec,
        JSON.stringify({
          model: 'amazon.nova-pro-v1:0',
          usage: { requestsPerMonth: -5, avgInputTokens: 1, avgOutputTokens: 1 },
        }),
      );
      const { code, stderr } = await cli('cost', '--spec', spec);
      expect(code).toBe(2);
      expect(stderr).toMatch(/usage\.requestsPerMonth: /);
    });
  });
});
