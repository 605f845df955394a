import { parseDocument } from 'yaml';
import { ValidationError } from '../core/errors.ts';

/**
 * Reads a spec file's text as YAML or JSON (JSON when the name ends in .json or the text starts with
 * `{`). Syntax errors name the line and column; duplicate keys are errors, not silent overwrites.
 */
export function parseSpecText(text: string, fileName = 'spec'): unknown {
  const json = fileName.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');
  if (json) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ValidationError(`${fileName} is not valid JSON: ${(error as Error).message}`, [
        { path: '(file)', message: (error as Error).message },
      ]);
    }
  }
  return parseYamlText(text, fileName);
}

/**
 * Reads YAML text: syntax errors name the line and column, duplicate keys are errors, and a document
 * whose aliases expand beyond a sane limit (a "billion laughs" document) is refused, never expanded.
 */
export function parseYamlText(text: string, fileName: string): unknown {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ValidationError(
      `${fileName} is not valid YAML`,
      document.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(file)',
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  try {
    return document.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    throw new ValidationError(`${fileName} cannot be read: ${(error as Error).message}`);
  }
}
