// The prebuilt CLI: bin/cli.ts and everything it imports, bundled by esbuild into
// dist/cli/<build>/ (an entry plus chunks the commands load lazily), and dist/cli/current.json naming
// the build and the sources it came from. `npm ci` builds it (the `prepare` script); the
// `agent-builder` executable rebuilds it when it is missing or older than one of its sources.
// Plain JavaScript: it runs before anything is compiled. For profiling the CLI:
// CLI_BUNDLE_READABLE=1 leaves the bundle unminified, CLI_BUNDLE_METAFILE=<file> writes esbuild's metafile.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist', 'cli');
const CURRENT = join(DIST, 'current.json');
/** Besides the sources in the bundle: a changed lockfile may mean changed dependencies. */
const ALSO_WATCHED = ['package-lock.json', 'scripts/cli-bundle.mjs'];

/**
 * Loaded from node_modules at run time, never bundled: the emulators and packages that find files
 * beside themselves or load native addons (only `start` and test runs use them), and the tools.
 */
const EXTERNAL = [
  'dynalite',
  'classic-level',
  'playwright-core',
  'tsx',
  'esbuild',
  'bufferutil',
  'utf-8-validate',
  'fsevents',
];

/** The entry of the current build when it is newer than every source it came from; undefined otherwise. */
export function freshCliEntry() {
  let current;
  try {
    current = JSON.parse(readFileSync(CURRENT, 'utf8'));
  } catch {
    return undefined;
  }
  const entry = join(DIST, current.build, 'cli.js');
  if (!existsSync(entry)) return undefined;
  // Hundreds of stats on every start: plain concatenation and no exceptions keep them cheap.
  for (const source of [...current.sources, ...ALSO_WATCHED]) {
    const stats = statSync(`${ROOT}${source}`, { throwIfNoEntry: false });
    // A source removed or renamed, or changed since the build started.
    if (!stats || stats.mtimeMs > current.startedAt) return undefined;
  }
  return entry;
}

/**
 * Sources read their own files relative to `import.meta.url` (templates, registry data, the runner);
 * in a bundle that is the chunk's URL, so each source gets its own original URL back, as a path
 * relative to the output directory (the checkout can move).
 */
function keepSourceUrls(outdir) {
  return {
    name: 'keep-source-urls',
    setup(build) {
      build.onLoad({ filter: /\.(ts|mts|mjs|js)$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const own = relative(outdir, args.path).split(sep).join('/');
        return {
          contents: text.replaceAll(
            'import.meta.url',
            `new URL(${JSON.stringify(own)}, import.meta.url).href`,
          ),
          loader: args.path.endsWith('ts') ? 'ts' : 'js',
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

/**
 * lambdas/generate/precompiled.ts holds the templates compiled ahead of time, so no command compiles
 * them when it starts. They are read and hashed by templates.ts itself (bundled on its own for the
 * purpose), so the version and names match what the sources would compute.
 */
function precompileTemplates(build, outdir, watched) {
  return {
    name: 'precompile-templates',
    setup(plugin) {
      plugin.onLoad({ filter: /[\\/]lambdas[\\/]generate[\\/]precompiled\.ts$/ }, async () => {
        const helper = join(DIST, `.templates-${basename(outdir)}.mjs`);
        await build({
          entryPoints: [join(ROOT, 'lambdas', 'generate', 'templates.ts')],
          absWorkingDir: ROOT,
          outfile: helper,
          bundle: true,
          packages: 'external',
          format: 'esm',
          platform: 'node',
          logLevel: 'error',
        });
        try {
          const { readTemplateSources, COMPILE_OPTIONS } = await import(pathToFileURL(helper).href);
          const { default: Handlebars } = await import('handlebars');
          const root = join(ROOT, 'templates');
          const { version, sources } = readTemplateSources(root);
          const entries = [];
          for (const [name, source] of sources) {
            entries.push(`${JSON.stringify(name)}: ${Handlebars.precompile(source, COMPILE_OPTIONS)}`);
            watched.push(`templates/${name}.hbs`);
          }
          return {
            contents: `export const PRECOMPILED = { version: ${JSON.stringify(version)}, templates: {\n${entries.join(',\n')}\n} };`,
            loader: 'js',
          };
        } finally {
          rmSync(helper, { force: true });
        }
      });
    },
  };
}

/** Builds the bundle into a new directory, then points current.json at it (atomically: readers never see half a build). */
export async function buildCli({ quiet = false } = {}) {
  const { build } = await import('esbuild');
  mkdirSync(DIST, { recursive: true });
  const startedAt = Date.now();
  const id = `${startedAt.toString(36)}-${process.pid}`;
  const outdir = join(DIST, id);
  const watched = [];
  const result = await build({
    entryPoints: { cli: join(ROOT, 'bin', 'cli.ts') },
    absWorkingDir: ROOT,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    minify: !process.env.CLI_BUNDLE_READABLE,
    sourcemap: 'linked',
    mainFields: ['module', 'main'],
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    external: EXTERNAL,
    plugins: [keepSourceUrls(outdir), precompileTemplates(build, outdir, watched)],
    metafile: true,
    logLevel: quiet ? 'error' : 'warning',
  });
  const sources = Object.keys(result.metafile.inputs)
    .filter((input) => !input.includes('node_modules/') && !input.startsWith('<'))
    .concat(watched)
    .sort();
  if (process.env.CLI_BUNDLE_METAFILE)
    writeFileSync(process.env.CLI_BUNDLE_METAFILE, JSON.stringify(result.metafile));
  const next = `${CURRENT}.${id}`;
  writeFileSync(next, JSON.stringify({ build: id, startedAt, sources }));
  renameSync(next, CURRENT);
  // Older builds go once nothing can still be loading their chunks (a running `start` has loaded its own).
  for (const entry of readdirSync(DIST, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === id) continue;
    const path = join(DIST, entry.name);
    if (Date.now() - statSync(path).mtimeMs > 10 * 60_000) rmSync(path, { recursive: true, force: true });
  }
  return join(outdir, 'cli.js');
}

/** The bundle's entry, built first when missing or stale. */
export async function cliEntry() {
  return freshCliEntry() ?? (await buildCli({ quiet: true }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const entry = await buildCli();
  console.log(`Built the CLI: ${relative(ROOT, entry)}`);
}
