import { Document, isMap, isScalar, Scalar, visit } from 'yaml';
import { printYaml } from '../core/yaml-text.ts';

/** Strings a YAML 1.1 reader (CloudFormation's) would take for a date or a boolean: always quoted. */
const AMBIGUOUS = /^(\d{4}-\d{2}-\d{2}|y|n|yes|no|on|off|true|false)$/i;

/**
 * A CloudFormation template as YAML. Any mapping with a `comment` key (an IAM statement whose
 * resource is `*`, say) gets that text as a YAML comment above it, and the key itself is dropped.
 */
export function toCfnYaml(template: object, header: string): string {
  const document = new Document(template);
  document.commentBefore = ` ${header.split('\n').join('\n ')}`;
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && AMBIGUOUS.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
    Map(_key, node) {
      if (!isMap(node)) return;
      const index = node.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === 'comment');
      if (index < 0) return;
      const pair = node.items[index];
      const text = pair && isScalar(pair.value) ? String(pair.value.value) : '';
      node.items.splice(index, 1);
      node.commentBefore = ` ${text}`;
    },
  });
  return printYaml(document, { lineWidth: 0 });
}
