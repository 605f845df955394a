import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../../lambdas/local/platform.ts';

// The guides in docs/ and the README are kept true here: every relative link (and its #anchor)
// resolves, every problem `type` the API can answer is explained in the API guide, and every fenced
// block marked runnable (```bash runnable, ```ts runnable) runs against a local platform started for
// this test, in the order the guide gives them. Blocks read the platform's address from $BASE.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = join(ROOT, 'docs');
const exec = promisify(execFile);

const guides = [
  join(ROOT, 'README.md'),
  ...readdirSync(DOCS)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(DOCS, name)),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = (heading ?? '')
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return anchors;
}

/** Relative links of a guide (outside code blocks): `[text](target)` and `![alt](image)`. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

interface Runnable {
  guide: string;
  language: 'bash' | 'ts';
  code: string;
  line: number;
}

function runnablesOf(guide: string): Runnable[] {
  const text = readFileSync(guide, 'utf8');
  const blocks: Runnable[] = [];
  for (const match of text.matchAll(/^```(bash|ts) runnable\n([\s\S]*?)^```$/gm)) {
    const line = text.slice(0, match.index).split('\n').length;
    blocks.push({ guide, language: match[1] as 'bash' | 'ts', code: match[2] ?? '', line });
  }
  return blocks;
}

describe('the guides', () => {
  it('exist: a user guide, an API guide, a developer guide and a deployment guide, linked from the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const name of ['user-guide.md', 'api.md', 'developer-guide.md', 'deployment-guide.md']) {
      expect(existsSync(join(DOCS, name)), name).toBe(true);
      expect(readme, name).toContain(`docs/${name}`);
    }
  });

  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const guide of guides) {
      for (const target of linksOf(readFileSync(guide, 'utf8'))) {
        const [path = '', anchor] = target.split('#');
        const file = path === '' ? guide : resolve(dirname(guide), decodeURI(path));
        const where = `${relative(ROOT, guide)} → ${target}`;
        if (!existsSync(file)) {
          broken.push(`${where}: no such file`);
          continue;
        }
        if (anchor && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(anchor))
          broken.push(`${where}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('explain every problem type the API can answer', () => {
    const api = readFileSync(join(DOCS, 'api.md'), 'utf8');
    const sources = readdirSync(join(ROOT, 'lambdas'), { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.ts'))
      .map((path) => readFileSync(join(ROOT, 'lambdas', path), 'utf8'));
    const types = sources.flatMap((source) =>
      [...source.matchAll(/readonly type = '([a-z-]+)'/g)].map((m) => m[1] ?? ''),
    );
    expect(types.length).toBeGreaterThan(10);
    expect(types.filter((type) => !api.includes(`\`${type}\``))).toEqual([]);
  });

  it('only mark as runnable what this test can run (bash and ts blocks)', () => {
    const marked = guides.flatMap((guide) =>
      [...readFileSync(guide, 'utf8').matchAll(/^```(\S+) runnable$/gm)].map(
        (m) => `${relative(ROOT, guide)}: ${m[1]}`,
      ),
    );
    expect(marked.filter((m) => !/: (bash|ts)$/.test(m))).toEqual([]);
    expect(marked.length).toBeGreaterThan(3);
  });
});

describe('the runnable examples of the guides, against a local platform', () => {
  let platform: RunningPlatform;
  let work: string;
  beforeAll(async () => {
    platform = await startPlatform({ port: 0, testModel: 'offline' });
    work = mkdtempSync(join(tmpdir(), 'docs-'));
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  // A guide's bash blocks run in order in one shell, as a reader would type them (variables carry
  // on); each TypeScript block runs on its own with tsx.
  const byGuide = guides
    .map((guide) => ({ guide, name: relative(ROOT, guide), blocks: runnablesOf(guide) }))
    .filter((g) => g.blocks.length > 0);
  it.each(byGuide)(
    '$name: its runnable blocks run',
    async ({ blocks }) => {
      // `agent-builder` on the PATH, as `npm link` (or a global install) gives a reader.
      const bin = join(work, 'bin');
      if (!existsSync(bin)) {
        mkdirSync(bin);
        symlinkSync(join(ROOT, 'bin', 'agent-builder.js'), join(bin, 'agent-builder'));
      }
      const env = {
        ...process.env,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        BASE: platform.url,
        REPO: ROOT,
        NO_COLOR: '1',
      };
      const bash = blocks
        .filter((b) => b.language === 'bash')
        .map((b) => `echo "@@block line ${b.line}" >&2\n${b.code}`)
        .join('\n');
      const runs: [string, string[], string][] = [['bash', ['-euo', 'pipefail', '-c', bash], 'bash blocks']];
      for (const b of blocks.filter((b) => b.language === 'ts')) {
        // An ES module, as a reader's example.mts would be (top-level await included).
        const file = join(work, `example-${b.line}.mts`);
        writeFileSync(file, b.code);
        runs.push([join(ROOT, 'node_modules', '.bin', 'tsx'), [file], `ts block at line ${b.line}`]);
      }
      for (const [command, args, label] of runs) {
        const result = await exec(command, args, { cwd: work, env, maxBuffer: 16 * 1024 * 1024 }).then(
          (r) => ({ ...r, code: 0 }),
          (error: { stdout?: string; stderr?: string; code?: number }) => ({
            stdout: error.stdout ?? '',
            stderr: error.stderr ?? '',
            code: error.code ?? 1,
          }),
        );
        const at = [...result.stderr.matchAll(/@@block (line \d+)/g)].at(-1)?.[1] ?? '';
        expect(
          result.code,
          `${label} failed ${at}:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
        ).toBe(0);
      }
    },
    300_000,
  );
});
