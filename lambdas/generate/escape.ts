import { Document } from 'yaml';
import { ValidationError } from '../core/errors.ts';
import { printYaml } from '../core/yaml-text.ts';

/**
 * Per-target escaping: every helper turns arbitrary user text into an exact, inert literal of its
 * target language, or refuses it with a clear error where the target cannot hold it.
 * Characters that can reorder or hide source text (bidi controls, zero-width and line separators,
 * C1 controls, BOM, lone surrogates) are always written as escapes, so generated code reads as it runs.
 */
const INVISIBLE =
  /[\u0080-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]/gu;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function unicodeEscape(char: string): string {
  return `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
}

/** A TypeScript/JavaScript string literal (double-quoted) whose value is exactly `text`. */
export function tsString(text: string): string {
  // JSON string literals are valid JS literals; JSON.stringify already escapes lone surrogates.
  return JSON.stringify(text).replace(INVISIBLE, unicodeEscape);
}

/** A JSON string literal whose value is exactly `text`. */
export function jsonString(text: string): string {
  return tsString(text);
}

/** A Python 3 string literal (double-quoted, never triple-quoted) whose value is exactly `text`. */
export function pyString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const char = text[i] ?? '';
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += char + (text[i + 1] ?? '');
        i++;
        continue;
      }
      out += `\\u${code.toString(16).padStart(4, '0')}`;
      continue;
    }
    if (code >= 0xdc00 && code <= 0xdfff) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
      continue;
    }
    if (char === '\\') out += '\\\\';
    else if (char === '"') out += '\\"';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (char.match(INVISIBLE)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** A YAML double-quoted scalar whose value is exactly `text` (through the yaml library). */
export function yamlString(text: string): string {
  if (LONE_SURROGATE.test(text)) {
    LONE_SURROGATE.lastIndex = 0;
    throw new ValidationError('text with unpaired surrogate code units cannot be written to YAML');
  }
  return printYaml(new Document(text), { defaultStringType: 'QUOTE_DOUBLE', lineWidth: 0 })
    .trimEnd()
    .replace(INVISIBLE, unicodeEscape);
}

/** A POSIX shell word (single-quoted) whose value is exactly `text`. NUL cannot be passed to a shell. */
export function shellQuote(text: string): string {
  if (text.includes('\0')) throw new ValidationError('a shell argument cannot contain a NUL character');
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}

/**
 * A value for a Dockerfile instruction (LABEL, ENV): JSON-style double-quoted. Dockerfile values
 * cannot span lines, so line breaks and control characters are refused.
 */
export function dockerfileString(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (/[\0-\x1f\x7f]/.test(text)) {
    throw new ValidationError('a Dockerfile value cannot contain line breaks or control characters');
  }
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('$', '\\$')}"`;
}

/** UTF-16 code units as base64: an encoding-independent way for tests to hold the exact text. */
export function utf16Base64(text: string): string {
  return Buffer.from(text, 'utf16le').toString('base64');
}

function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** An npm package name (kebab-case, ≤ 60 chars) derived from any human name; `agent` if nothing is left. */
export function projectName(name: string): string {
  const slug = words(name).join('-').slice(0, 60).replace(/-+$/, '');
  return slug === '' ? 'agent' : slug;
}

const PYTHON_KEYWORDS = new Set(
  'false none true and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case type'.split(
    ' ',
  ),
);

/** A Python package name (snake_case identifier) derived from any human name. */
export function pythonPackageName(name: string): string {
  let ident = words(name).join('_').slice(0, 60).replace(/_+$/, '');
  if (ident === '') ident = 'agent';
  if (/^\d/.test(ident) || PYTHON_KEYWORDS.has(ident)) ident = `agent_${ident}`;
  return ident;
}

export function kebabCase(id: string): string {
  return words(id).join('-');
}

export function camelCase(id: string): string {
  return words(id)
    .map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
}

export function pascalCase(id: string): string {
  const camel = camelCase(id);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

export function upperSnakeCase(id: string): string {
  return words(id).join('_').toUpperCase();
}
