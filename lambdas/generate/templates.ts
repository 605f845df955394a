import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import {
  camelCase,
  dockerfileString,
  jsonString,
  kebabCase,
  pascalCase,
  pyString,
  shellQuote,
  tsString,
  upperSnakeCase,
  utf16Base64,
  yamlString,
} from './escape.ts';
import { PRECOMPILED } from './precompiled.ts';

/**
 * The handlebars templates under `templates/`, compiled once per process and reused. Templates never
 * print user text with `{{value}}` alone: every value goes through a target-specific helper
 * (`ts`, `py`, `json`, `yaml`, `sh`, `docker`), and HTML escaping is off because nothing here is HTML.
 */
export interface TemplateSet {
  /** Hash of every template's path and content: part of the generation cache key. */
  version: string;
  render(name: string, context: object): string;
  has(name: string): boolean;
}

/** `templates/` beside the bundle (the deployed Lambda) or at the repository root (source). */
const TEMPLATE_ROOT =
  [new URL('./templates/', import.meta.url), new URL('../../templates/', import.meta.url)]
    .map((url) => fileURLToPath(url))
    .find((dir) => existsSync(dir)) ?? fileURLToPath(new URL('../../templates/', import.meta.url));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listFiles(join(dir, entry.name))
      : entry.name.endsWith('.hbs')
        ? [join(dir, entry.name)]
        : [],
  );
}

function createEnvironment(): typeof Handlebars {
  const hb = Handlebars.create();
  const str = (fn: (s: string) => string) => (value: unknown) => fn(String(value));
  hb.registerHelper('ts', str(tsString));
  hb.registerHelper('py', str(pyString));
  hb.registerHelper('json', (value: unknown) =>
    typeof value === 'string' ? jsonString(value) : JSON.stringify(value),
  );
  hb.registerHelper('yaml', str(yamlString));
  hb.registerHelper('sh', str(shellQuote));
  hb.registerHelper('docker', str(dockerfileString));
  hb.registerHelper('b64u16', str(utf16Base64));
  hb.registerHelper('camel', str(camelCase));
  hb.registerHelper('pascal', str(pascalCase));
  hb.registerHelper('kebab', str(kebabCase));
  hb.registerHelper('upper', str(upperSnakeCase));
  hb.registerHelper(
    'lower',
    str((s) => s.toLowerCase()),
  );
  hb.registerHelper('md', str(markdownInline));
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('inc', (n: unknown) => Number(n) + 1);
  hb.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hb.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  hb.registerHelper('not', (a: unknown) => !a);
  // Python literals for tool settings: True/False/None, lists of strings, numbers.
  hb.registerHelper('pyValue', (value: unknown): string => pyValue(value));
  hb.registerHelper('tsValue', (value: unknown): string => tsValue(value));
  return hb;
}

/** User text inside Markdown prose: one line, with HTML-significant characters escaped. */
export function markdownInline(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/[`*_[\]|\\]/g, (c) => `\\${c}`);
}

export function pyValue(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map(pyValue).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${pyString(k)}: ${pyValue(v)}`)
    .join(', ')}}`;
}

export function tsValue(value: unknown): string {
  if (value === null || value === undefined) return 'undefined';
  if (typeof value === 'string') return tsString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(tsValue).join(', ')}]`;
  if (Object.keys(value as object).length === 0) return '{}';
  return `{ ${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : tsString(k)}: ${tsValue(v)}`)
    .join(', ')} }`;
}

let loaded: TemplateSet | undefined;

/** The name a template file goes by: its path under the root, without `.hbs`. */
export const templateName = (root: string, file: string) =>
  relative(root, file)
    .split(sep)
    .join('/')
    .replace(/\.hbs$/, '');

/** Every template file under `root` as name → source, in name order, and their version. */
export function readTemplateSources(root = TEMPLATE_ROOT): { version: string; sources: Map<string, string> } {
  const hash = createHash('sha256');
  const sources = new Map<string, string>();
  for (const file of listFiles(root).sort()) {
    const name = templateName(root, file);
    const source = readFileSync(file, 'utf8');
    hash.update(name).update('\0').update(source).update('\0');
    sources.set(name, source);
  }
  return { version: hash.digest('hex').slice(0, 16), sources };
}

/** The options every template is compiled with, at run time or ahead of time. */
export const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

/** Loads and compiles every template once (or takes the bundle's precompiled ones); later calls reuse the set. */
export function loadTemplates(root = TEMPLATE_ROOT): TemplateSet {
  if (loaded && root === TEMPLATE_ROOT) return loaded;
  const hb = createEnvironment();
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  let version: string;
  if (root === TEMPLATE_ROOT && PRECOMPILED) {
    version = PRECOMPILED.version;
    for (const [name, spec] of Object.entries(PRECOMPILED.templates)) {
      const template = hb.template(spec);
      compiled.set(name, template);
      if (name.startsWith('partials/')) hb.registerPartial(partialName(name), template);
    }
  } else {
    const read = readTemplateSources(root);
    version = read.version;
    for (const [name, source] of read.sources) {
      compiled.set(name, hb.compile(source, COMPILE_OPTIONS));
      // Files under partials/ are also usable inside other templates: {{> deploy-readme}}.
      if (name.startsWith('partials/')) hb.registerPartial(partialName(name), source);
    }
  }
  const set: TemplateSet = {
    version,
    has: (name) => compiled.has(name),
    render(name, context) {
      const template = compiled.get(name);
      if (!template) throw new Error(`no template named ${name}`);
      try {
        return template(context);
      } catch (error) {
        throw new Error(`template ${name}: ${(error as Error).message}`);
      }
    },
  };
  if (root === TEMPLATE_ROOT) loaded = set;
  return set;
}

/** `partials/deploy-readme.md` is `{{> deploy-readme}}`. */
const partialName = (name: string) => name.slice('partials/'.length).replace(/\..*$/, '');
