import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflight, probedRegistries, type RegistryReach } from '../../lambdas/testing/preflight.ts';
import { startBuild, type TestDeps } from '../../lambdas/testing/service.ts';
import { MemoryTestStore } from '../fakes.ts';

const reach = (reachable: boolean): RegistryReach => ({
  pypi: async () => ({ reachable, url: 'https://pypi.org/simple/' }),
});

let index: Server;
let indexUrl = '';
beforeAll(async () => {
  index = createServer((req, res) => res.writeHead(req.url === '/simple/pip/' ? 200 : 404).end());
  await new Promise<void>((resolve) => index.listen(0, '127.0.0.1', resolve));
  indexUrl = `http://127.0.0.1:${(index.address() as AddressInfo).port}/simple/`;
});
afterAll(() => new Promise<void>((resolve) => index.close(() => resolve())));

describe('preflight: what cannot work here is said before a build starts', () => {
  it('refuses a Python agent where the package index cannot be reached, in one sentence saying what to do', async () => {
    const refusal = preflight(
      { registries: reach(false), openAiCompatible: false },
      { language: 'python' },
      { provider: 'bedrock' },
    );
    await expect(refusal).rejects.toMatchObject({
      type: 'cannot-test-here',
      statusCode: 409,
      message: expect.stringMatching(
        /^This Python agent cannot be built here because .*PyPI.*TypeScript.*\.$/,
      ),
    });
    await expect(
      preflight(
        { registries: reach(true), openAiCompatible: false },
        { language: 'python' },
        { provider: 'bedrock' },
      ),
    ).resolves.toBeUndefined();
    // A TypeScript agent needs no PyPI.
    await expect(
      preflight(
        { registries: reach(false), openAiCompatible: false },
        { language: 'typescript' },
        { provider: 'bedrock' },
      ),
    ).resolves.toBeUndefined();
  });

  it('refuses a model that needs a key the platform lacks, and Ollama without an endpoint', async () => {
    await expect(
      preflight({ openAiCompatible: false }, { language: 'typescript' }, { provider: 'openai' }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('OpenAI API directly, which needs your API key'),
    });
    await expect(
      preflight({ openAiCompatible: false }, { language: 'typescript' }, { provider: 'ollama' }),
    ).rejects.toMatchObject({ message: expect.stringContaining('OPENAI_COMPATIBLE_BASE_URL') });
    await expect(
      preflight({ openAiCompatible: true }, { language: 'typescript' }, { provider: 'ollama' }),
    ).resolves.toBeUndefined();
  });

  it('asks the package index pip would use, and an index that does not answer is unreachable', async () => {
    expect(await probedRegistries({ PIP_INDEX_URL: indexUrl }).pypi()).toEqual({
      reachable: true,
      url: indexUrl,
    });
    // A port nothing listens on: refused at once.
    const closed = indexUrl.replace(/:\d+\//, ':1/');
    expect((await probedRegistries({ PIP_INDEX_URL: closed }, { timeoutMs: 2_000 }).pypi()).reachable).toBe(
      false,
    );
  });

  it('starts no build (and takes no slot) for a generation that cannot be test-run here', async () => {
    const store = new MemoryTestStore();
    let started = 0;
    const deps: TestDeps = {
      tests: store,
      generations: store,
      store,
      backend: {
        start: async () => {
          started += 1;
          return { done: Promise.resolve() };
        },
        cancel: async () => undefined,
      },
      connections: { post: async () => true },
      limiter: store,
      limitPerHour: 100,
      waitMs: 0,
      preflight: { registries: reach(false), openAiCompatible: false },
    };
    store.generationRecords.set('py', {
      id: 'py',
      owner: 'alice',
      status: 'SUCCEEDED',
      language: 'python',
      artifactPrefix: 'generations/py',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    await store.put(
      'generations/py/files/.env.example',
      'AWS_REGION=us-east-1\nMODEL_ID=amazon.nova-lite-v1:0\n',
    );
    await expect(startBuild(deps, 'alice', { generationId: 'py' })).rejects.toMatchObject({
      type: 'cannot-test-here',
    });
    expect(started).toBe(0);
    expect(store.builds.size).toBe(0);
  });
});
