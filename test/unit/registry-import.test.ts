import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../bin/cli/program.ts';
import {
  applyImport,
  LITELLM_SOURCE,
  planImport,
  planIsClean,
  type RegistryFile,
} from '../../lambdas/models/import-litellm.ts';
import { ModelRegistry } from '../../lambdas/models/registry.ts';
import litellm from './fixtures/registry-import/litellm.json' with { type: 'json' };
import registryFixture from './fixtures/registry-import/models.json' with { type: 'json' };

const TODAY = '2026-12-04';
const file = () => structuredClone(registryFixture) as RegistryFile;

describe('planImport: litellm against the registry', () => {
  const plan = planImport(file(), litellm, TODAY);

  it('finds a new model under its base id only, with litellm as the source of its facts', () => {
    expect(plan.newModels.map((n) => n.key)).toEqual(['vendor.brand-new-v1:0']);
    const entry = plan.newModels[0]?.entry;
    expect(entry).toMatchObject({
      provider: 'bedrock',
      pricing: { inputPerMTok: 0.15, outputPerMTok: 0.6, cacheReadPerMTok: 0.015 },
      contextWindow: 262_144,
      maxOutputTokens: 32_768,
      capabilities: ['streaming', 'tool-use', 'reasoning', 'prompt-caching'],
      inferenceProfile: { geographies: ['us'], required: false },
      regions: ['us-west-2'],
      lifecycle: { status: 'active' },
      recommended: false,
      source: LITELLM_SOURCE,
      asOf: TODAY,
    });
    // No geography prefixes, Region paths, commitment terms, fine-tunes, other providers or non-chat modes.
    expect(plan.newModels.some((n) => /^(us|eu)\.|\/|ft:|gemini|embedding/.test(n.key))).toBe(false);
  });

  it('updates a price whose source is litellm, and keeps a stale litellm price from overriding a vendor-sourced one', () => {
    expect(plan.changes).toContainEqual(
      expect.objectContaining({
        id: 'vendor.from-litellm-v1:0',
        field: 'inputPerMTok',
        registry: 0.5,
        litellm: 0.4,
        action: 'update',
      }),
    );
    expect(plan.changes).toContainEqual(
      expect.objectContaining({
        id: 'vendor.vendor-priced-v1:0',
        field: 'inputPerMTok',
        registry: 0.72,
        litellm: 0.99,
        action: 'kept',
        noted: false,
      }),
    );
    // Limits of the same entry come from the vendor page: kept, even though its prices are litellm's.
    expect(plan.changes).toContainEqual(
      expect.objectContaining({ id: 'vendor.from-litellm-v1:0', field: 'contextWindow', action: 'kept' }),
    );
    expect(plan.changes).toContainEqual(
      expect.objectContaining({
        id: 'vendor.noted-v1:0',
        field: 'inputPerMTok',
        action: 'kept',
        noted: true,
      }),
    );
  });

  it('reads retirements from deprecation_date: past dates retire (needing a replacement), future ones are legacy', () => {
    expect(plan.retirements).toEqual([
      expect.objectContaining({ id: 'gpt-old', date: '2026-06-01', status: 'retired', recorded: false }),
      expect.objectContaining({ id: 'gpt-soon', date: '2027-03-01', status: 'legacy', recorded: false }),
      // The vendor's page set this one's lifecycle: litellm's other date is reported, never applied.
      expect.objectContaining({ id: 'gpt-vendor-legacy', date: '2027-01-01', recorded: true }),
    ]);
    expect(plan.retirements[0]?.blocked).toMatch(/replacement/);
  });

  it('sets aside dated twins and what the registry notes leave out', () => {
    expect(plan.aliases).toContainEqual({ key: 'gpt-old-2025-01-01', of: 'gpt-old' });
    expect(plan.leftOut).toEqual(
      expect.arrayContaining([
        { key: 'vendor.embed-chat-v1', reason: 'Not a chat model in practice.' },
        { key: 'gpt-left', reason: 'An audio model.' },
        { key: 'gpt-left-2025-05-05', reason: 'twin of gpt-left: An audio model.' },
      ]),
    );
    expect(plan.leftOut).toHaveLength(3);
    expect(planIsClean(plan)).toBe(false);
  });
});

describe('applyImport', () => {
  const plan = planImport(file(), litellm, TODAY);
  const written = applyImport(file(), plan, TODAY);
  const registry = ModelRegistry.fromData(written);

  it('writes litellm-sourced values with today’s date and never touches vendor-sourced ones', () => {
    const fromLitellm = registry.get('vendor.from-litellm-v1:0');
    expect(fromLitellm.pricing).toMatchObject({ inputPerMTok: 0.4, outputPerMTok: 1.2 });
    expect(fromLitellm.facts?.pricing).toEqual({ source: LITELLM_SOURCE, asOf: TODAY });
    expect(fromLitellm.contextWindow).toBe(128_000);
    const vendor = registry.get('vendor.vendor-priced-v1:0');
    expect(vendor.pricing).toMatchObject({ inputPerMTok: 0.72, outputPerMTok: 0.72 });
    expect(vendor.asOf).toBe('2026-11-01');
    expect(vendor.facts).toBeUndefined();
    expect(registry.get('vendor.noted-v1:0').pricing.inputPerMTok).toBe(2);
  });

  it('keeps curated fields, adds the new model after its provider’s, and records a future retirement as legacy', () => {
    expect(registry.get('vendor.vendor-priced-v1:0')).toMatchObject({
      name: 'Vendor Priced',
      strengths: ['chat'],
      tier: 'medium',
      regions: ['us-east-1'],
    });
    const ids = registry.all().map((m) => m.id);
    expect(ids.indexOf('vendor.brand-new-v1:0')).toBeLessThan(ids.indexOf('gpt-old'));
    expect(registry.get('gpt-soon').lifecycle).toEqual({
      status: 'legacy',
      retiresOn: '2027-03-01',
      source: LITELLM_SOURCE,
      asOf: TODAY,
    });
    // A past retirement needs a replacement litellm cannot name: left for a person, still reported.
    expect(registry.get('gpt-old').lifecycle.status).toBe('active');
    expect(registry.get('gpt-vendor-legacy').lifecycle).toMatchObject({
      retiresOn: '2027-06-01',
      source: 'https://platform.openai.com/docs/deprecations',
    });
    expect(written.notes).toEqual(registryFixture.notes);
  });

  it('leaves nothing to apply the second time but the departures and the retirement that need a person', () => {
    const again = planImport(written, litellm, TODAY);
    expect(again.newModels).toEqual([]);
    expect(again.changes.filter((c) => c.action === 'update')).toEqual([]);
    expect(again.retirements.filter((r) => !r.recorded).map((r) => r.id)).toEqual(['gpt-old']);
    expect(
      again.changes.filter((c) => c.action === 'kept' && !c.noted).map((c) => `${c.id} ${c.field}`),
    ).toEqual([
      'vendor.vendor-priced-v1:0 inputPerMTok',
      'vendor.vendor-priced-v1:0 outputPerMTok',
      'vendor.from-litellm-v1:0 contextWindow',
    ]);
  });
});

describe('npm run cli -- registry import', () => {
  async function cli(...args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      out: (t) => {
        stdout += `${t}\n`;
      },
      err: (t) => {
        stderr += `${t}\n`;
      },
      binary: () => {},
    });
    return { code, stdout, stderr };
  }
  const fixture = (name: string) => join(import.meta.dirname, 'fixtures', 'registry-import', name);

  it('prints the reviewed diff without writing, then applies it with --write', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'agent-builder-import-'));
    const target = join(scratch, 'models.json');
    copyFileSync(fixture('models.json'), target);
    const before = readFileSync(target, 'utf8');
    const dry = await cli(
      'registry',
      'import',
      '--litellm',
      fixture('litellm.json'),
      '--registry',
      target,
      '--today',
      TODAY,
    );
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /New models \(1\):\n {2}\+ vendor\.brand-new-v1:0 \(bedrock\): \$0\.15 in \/ \$0\.6 out/,
    );
    expect(dry.stdout).toMatch(/~ vendor\.from-litellm-v1:0 inputPerMTok: 0\.5 → 0\.4/);
    expect(dry.stdout).toMatch(/! vendor\.vendor-priced-v1:0 inputPerMTok: registry 0\.72/);
    expect(dry.stdout).toMatch(/✗ gpt-old: retired on 2026-06-01/);
    expect(readFileSync(target, 'utf8')).toBe(before);
    const wrote = await cli(
      'registry',
      'import',
      '--litellm',
      fixture('litellm.json'),
      '--registry',
      target,
      '--today',
      TODAY,
      '--write',
    );
    expect(wrote.code).toBe(0);
    const registry = ModelRegistry.fromData(JSON.parse(readFileSync(target, 'utf8')));
    expect(registry.find('vendor.brand-new-v1:0')).toBeDefined();
  });

  it('refuses a missing file with exit code 2 and a message', async () => {
    const result = await cli('registry', 'import', '--litellm', '/no/such/file.json');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read litellm file/);
  });
});
