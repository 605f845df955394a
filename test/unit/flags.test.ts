import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../bin/cli/program.ts';
import { DeploymentTarget } from '../../lambdas/agent-spec/schema.ts';
import { AppConfigFlagSource } from '../../lambdas/core/adapters/appconfig-flags.ts';
import { FileFlagSource } from '../../lambdas/core/adapters/file-flags.ts';
import { FeatureNotEnabledError } from '../../lambdas/core/errors.ts';
import {
  DEFAULT_FLAGS,
  FLAG_KEYS,
  OpenFeatureFeatures,
  requireFeature,
  targetFlag,
} from '../../lambdas/core/flags/features.ts';
import type { FlagSource } from '../../lambdas/core/flags/provider.ts';
import { evaluateRollout, type FlagValues, rolloutBucket } from '../../lambdas/core/flags/rollout.ts';

const users = Array.from({ length: 2000 }, (_, i) => `user-${i}`);
let domain = 0;
const featuresOver = (source: FlagSource) => new OpenFeatureFeatures(source, `flags-test-${domain++}`);
const fixed = (values: FlagValues): FlagSource => ({ description: 'fixed', load: async () => values });

describe('rollout evaluation', () => {
  it('puts a user in the same bucket every time, and different flags split users independently', () => {
    expect(rolloutBucket('evaluations', 'alice')).toBe(rolloutBucket('evaluations', 'alice'));
    const a = users.map((u) => rolloutBucket('evaluations', u) < 50);
    const b = users.map((u) => rolloutBucket('warm-agents', u) < 50);
    expect(a.filter((on, i) => on !== b[i]).length).toBeGreaterThan(users.length * 0.35);
  });

  it('turns on about the percentage asked, and a user who has it keeps it as the rollout grows', () => {
    const on = (percentage: number) =>
      new Set(users.filter((u) => evaluateRollout({ enabled: true, percentage }, 'evaluations', u).enabled));
    const ten = on(10);
    const fifty = on(50);
    expect(ten.size).toBeGreaterThan(users.length * 0.07);
    expect(ten.size).toBeLessThan(users.length * 0.13);
    expect(fifty.size).toBeGreaterThan(users.length * 0.45);
    expect(fifty.size).toBeLessThan(users.length * 0.55);
    for (const user of ten) expect(fifty.has(user)).toBe(true);
    expect(evaluateRollout({ enabled: true, percentage: 50 }, 'evaluations', 'user-1').reason).toBe('SPLIT');
  });

  it('lets the deny list win over the allow list, and both over the percentage', () => {
    const value = { enabled: true, percentage: 0, allow: ['alice', 'bob'], deny: ['bob'] };
    expect(evaluateRollout(value, 'f', 'alice')).toEqual({
      enabled: true,
      variant: 'on',
      reason: 'TARGETING_MATCH',
    });
    expect(evaluateRollout(value, 'f', 'bob')).toMatchObject({ enabled: false, reason: 'TARGETING_MATCH' });
    expect(evaluateRollout(value, 'f', 'carol')).toMatchObject({ enabled: false, reason: 'STATIC' });
    expect(evaluateRollout({ ...value, enabled: false }, 'f', 'alice')).toMatchObject({
      enabled: false,
      reason: 'DISABLED',
    });
  });

  it('gives a partial rollout to no one without a user, and a missing flag to no one', () => {
    expect(evaluateRollout({ enabled: true, percentage: 99 }, 'f', undefined).enabled).toBe(false);
    expect(evaluateRollout({ enabled: true }, 'f', undefined).enabled).toBe(true);
    expect(evaluateRollout(undefined, 'f', 'alice')).toMatchObject({ enabled: false, reason: 'DEFAULT' });
  });
});

describe('the flags catalogue', () => {
  it('has a flag for every capability the code names and for every generator target', () => {
    expect(Object.keys(DEFAULT_FLAGS.flags).sort()).toEqual([...FLAG_KEYS].sort());
    expect(Object.keys(DEFAULT_FLAGS.values).sort()).toEqual([...FLAG_KEYS].sort());
    for (const target of DeploymentTarget.options) expect(FLAG_KEYS).toContain(targetFlag(target));
  });

  it('uses flag keys and attribute types AppConfig accepts in a feature-flag profile', () => {
    for (const [key, flag] of Object.entries(DEFAULT_FLAGS.flags)) {
      expect(key).toMatch(/^[a-z][a-zA-Z\d_-]{0,63}$/);
      const attributes = (flag as { attributes?: Record<string, { constraints: { type: string } }> })
        .attributes;
      for (const attribute of Object.values(attributes ?? {}))
        expect(['string', 'number', 'boolean', 'array']).toContain(attribute.constraints.type);
    }
  });
});

describe('OpenFeature with the platform provider', () => {
  it('evaluates per user and refuses a capability that is off with a typed 403', async () => {
    const features = featuresOver(
      fixed({ ...DEFAULT_FLAGS.values, evaluations: { enabled: true, percentage: 0, allow: ['alice'] } }),
    );
    expect(await features.evaluate('evaluations', { sub: 'alice' })).toMatchObject({
      enabled: true,
      variant: 'on',
      reason: 'TARGETING_MATCH',
      name: 'Evaluations',
    });
    await expect(requireFeature({ features }, 'evaluations', { sub: 'bob' })).rejects.toBeInstanceOf(
      FeatureNotEnabledError,
    );
    const error = await requireFeature({ features }, 'evaluations', { sub: 'bob' }).catch((e: unknown) => e);
    expect((error as FeatureNotEnabledError).toJSON()).toMatchObject({
      type: 'feature-not-enabled',
      status: 403,
      errors: [{ path: 'feature', message: 'evaluations' }],
    });
    expect((await features.list({ sub: 'bob' })).map((f) => f.key)).toEqual([...FLAG_KEYS]);
  });

  it('answers with the bundled defaults, labelled ERROR, when the source cannot be read', async () => {
    const failures: unknown[] = [];
    const broken: FlagSource = { description: 'broken', load: () => Promise.reject(new Error('down')) };
    const features = new OpenFeatureFeatures(broken, `flags-test-broken-${domain++}`, (e) =>
      failures.push(e),
    );
    expect(await features.evaluate('model-consultant', { sub: 'alice' })).toMatchObject({
      enabled: true,
      reason: 'ERROR',
    });
    expect(failures).toHaveLength(1);
  });
});

describe('the local flags file', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flags-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('picks up an edit of the override file on the next read, no restart', async () => {
    const path = join(dir, 'flags.json');
    const source = new FileFlagSource(DEFAULT_FLAGS.values, path);
    let changes = 0;
    const features = featuresOver(source);
    source.onChange(() => changes++);
    expect((await features.evaluate('target-lambda', { sub: 'alice' })).enabled).toBe(true);

    writeFileSync(path, JSON.stringify({ values: { 'target-lambda': { enabled: false } } }));
    expect((await features.evaluate('target-lambda', { sub: 'alice' })).enabled).toBe(false);
    expect((await features.evaluate('target-agentcore', { sub: 'alice' })).enabled).toBe(true);

    // A whole document works too; a rewrite of the same length is still seen (mtime).
    writeFileSync(path, JSON.stringify({ ...DEFAULT_FLAGS, values: { 'target-lambda': { enabled: true } } }));
    expect((await features.evaluate('target-lambda', { sub: 'alice' })).enabled).toBe(true);
    expect(changes).toBe(2);
  });

  it('names the file and the field of a bad override, and the defaults answer meanwhile', async () => {
    const path = join(dir, 'flags.json');
    writeFileSync(path, JSON.stringify({ values: { 'target-lambda': { enabled: 'yes' } } }));
    const source = new FileFlagSource(DEFAULT_FLAGS.values, path);
    await expect(source.load()).rejects.toMatchObject({
      type: 'validation-error',
      errors: [expect.objectContaining({ path: 'values.target-lambda.enabled' })],
    });
    const features = featuresOver(source);
    expect(await features.evaluate('target-lambda', { sub: 'a' })).toMatchObject({
      enabled: true,
      reason: 'ERROR',
    });
  });
});

describe('the AppConfig flag source', () => {
  it('polls no more often than AppConfig asks, and keeps its values when a poll brings nothing new', async () => {
    const sent: string[] = [];
    const bodies = [
      JSON.stringify({ evaluations: { enabled: true, percentage: 10 } }),
      '',
      JSON.stringify({ evaluations: { enabled: false } }),
    ];
    const client = {
      send: async (command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name);
        if (command.constructor.name === 'StartConfigurationSessionCommand')
          return { InitialConfigurationToken: 't0' };
        return {
          Configuration: new TextEncoder().encode(bodies.shift() ?? ''),
          NextPollConfigurationToken: `t${sent.length}`,
          NextPollIntervalInSeconds: 60,
        };
      },
    };
    let now = 0;
    const source = new AppConfigFlagSource(
      client as never,
      { application: 'a', environment: 'e', profile: 'p' },
      30,
      () => now,
    );
    let changes = 0;
    source.onChange(() => changes++);
    expect((await source.load()).evaluations).toEqual({ enabled: true, percentage: 10 });
    await source.load();
    expect(sent).toEqual(['StartConfigurationSessionCommand', 'GetLatestConfigurationCommand']);
    now = 61_000;
    expect((await source.load()).evaluations).toEqual({ enabled: true, percentage: 10 });
    now = 122_000;
    expect((await source.load()).evaluations).toEqual({ enabled: false });
    expect(sent.filter((s) => s === 'GetLatestConfigurationCommand')).toHaveLength(3);
    expect(changes).toBe(1);
  });
});

describe('agent-builder flags', () => {
  it('lists every flag with its rollout and the state for a user, from the local file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flags-cli-'));
    try {
      const file = join(dir, 'flags.json');
      writeFileSync(
        file,
        JSON.stringify({ values: { evaluations: { enabled: true, percentage: 0, allow: ['alice'] } } }),
      );
      const out: string[] = [];
      const io = { out: (s: string) => out.push(s), err: (s: string) => out.push(s), binary: () => {} };
      expect(await runCli(['flags', '--file', file, '--user', 'alice', '--json'], io)).toBe(0);
      const listed = JSON.parse(out.join('\n'));
      expect(listed.flags).toHaveLength(FLAG_KEYS.length);
      expect(listed.flags).toContainEqual(
        expect.objectContaining({ key: 'evaluations', enabled: true, reason: 'TARGETING_MATCH' }),
      );
      out.length = 0;
      expect(await runCli(['flags', '--file', file, '--user', 'bob'], io)).toBe(0);
      expect(out.join('\n')).toMatch(/evaluations[\s\S]*enabled, 0%[\s\S]*off \(STATIC\)/);

      writeFileSync(file, '{"values": {"evaluations": {"enabled": "yes"}}}');
      out.length = 0;
      expect(await runCli(['flags', '--file', file], io)).toBe(2);
      expect(out.join('\n')).toContain('values.evaluations.enabled');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
