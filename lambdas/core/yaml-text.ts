import { type Document, Scalar, type ToStringOptions, visit } from 'yaml';

/**
 * Characters a YAML reader does not take back as they are: those outside YAML 1.2's printable set
 * (DEL, C1 controls, lone surrogates, U+FFFE/FFFF), and the line breaks a YAML 1.1 reader (PyYAML,
 * CloudFormation's) folds inside quotes (NEL, LINE and PARAGRAPH SEPARATOR).
 */
const UNSAFE = /[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'gu');

function escapeOf(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A YAML document as text that every reader takes back exactly: a string holding an unsafe character
 * is written double-quoted, with the character as an escape (the yaml library writes some of them
 * raw). In a comment an escape is left as its text.
 */
export function printYaml(document: Document, options: ToStringOptions = {}): string {
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && UNSAFE.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return document.toString(options).replace(UNSAFE_ALL, escapeOf);
}
