import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import VersionDiff from './VersionDiff.tsx';

const before = [
  'import x from "x";',
  'const MODEL = "amazon.nova-lite-v1:0";',
  'export default MODEL;',
  '',
].join('\n');
const after = [
  'import x from "x";',
  'const MODEL = "amazon.nova-pro-v1:0";',
  'export default MODEL;',
  '',
].join('\n');

describe('VersionDiff', () => {
  it('shows both versions side by side, the changed line marked on each side', () => {
    const { container } = render(
      <VersionDiff
        path="src/agent.ts"
        before={before}
        after={after}
        beforeLabel="v1"
        afterLabel="v2"
        layout="split"
      />,
    );
    expect(container.querySelector('.cm-mergeView')).not.toBeNull();
    const left = screen.getByLabelText('src/agent.ts in v1');
    const right = screen.getByLabelText('src/agent.ts in v2');
    expect(left).toHaveTextContent('amazon.nova-lite-v1:0');
    expect(right).toHaveTextContent('amazon.nova-pro-v1:0');
    const changed = [...container.querySelectorAll('.cm-changedLine')].map((line) => line.textContent);
    expect(changed).toEqual([
      'const MODEL = "amazon.nova-lite-v1:0";',
      'const MODEL = "amazon.nova-pro-v1:0";',
    ]);
  });

  it('shows one document with the removed line inline in the unified layout', () => {
    const { container } = render(
      <VersionDiff
        path="src/agent.ts"
        before={before}
        after={after}
        beforeLabel="v1"
        afterLabel="v2"
        layout="unified"
      />,
    );
    const editor = screen.getByLabelText('src/agent.ts, v1 → v2');
    expect(editor).toHaveTextContent('amazon.nova-pro-v1:0');
    expect(container.querySelector('.cm-mergeView')).toBeNull();
    const deleted = container.querySelector('.cm-deletedChunk');
    expect(deleted).toHaveTextContent('amazon.nova-lite-v1:0');
    expect(container.querySelector('.cm-changedLine')).toHaveTextContent('amazon.nova-pro-v1:0');
  });

  it('marks nothing when the file did not change', () => {
    const { container } = render(
      <VersionDiff
        path="README.md"
        before={before}
        after={before}
        beforeLabel="v1"
        afterLabel="v2"
        layout="split"
      />,
    );
    expect(container.querySelectorAll('.cm-changedLine')).toHaveLength(0);
  });
});
