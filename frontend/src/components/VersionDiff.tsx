import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { MergeView, unifiedMergeView } from '@codemirror/merge';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { languageFor } from './CodeViewer.tsx';

export type DiffLayout = 'split' | 'unified';

/** What both sides of a diff share: read-only, numbered, highlighted for the file's language. */
function readOnly(path: string, label: string): Extension[] {
  const language = languageFor(path);
  return [
    lineNumbers(),
    EditorState.readOnly.of(true),
    EditorView.editable.of(false),
    EditorView.contentAttributes.of({ 'aria-label': label }),
    syntaxHighlighting(defaultHighlightStyle),
    ...(language ? [language] : []),
  ];
}

/**
 * One file of two versions in CodeMirror's merge view (loaded lazily with the diff): side by side
 * (`split`) or as one document with the removed lines shown inline (`unified`). Unchanged stretches
 * are collapsed so the changes are what the builder reads.
 */
export default function VersionDiff({
  path,
  before,
  after,
  beforeLabel,
  afterLabel,
  layout,
}: {
  path: string;
  before: string;
  after: string;
  beforeLabel: string;
  afterLabel: string;
  layout: DiffLayout;
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const collapseUnchanged = { margin: 3, minSize: 6 };
    if (layout === 'split') {
      const view = new MergeView({
        a: { doc: before, extensions: readOnly(path, `${path} in ${beforeLabel}`) },
        b: { doc: after, extensions: readOnly(path, `${path} in ${afterLabel}`) },
        parent: host.current,
        gutter: true,
        collapseUnchanged,
      });
      return () => view.destroy();
    }
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: after,
        extensions: [
          ...readOnly(path, `${path}, ${beforeLabel} → ${afterLabel}`),
          unifiedMergeView({ original: before, mergeControls: false, collapseUnchanged }),
        ],
      }),
    });
    return () => view.destroy();
  }, [path, before, after, beforeLabel, afterLabel, layout]);
  return <div ref={host} className={`code-viewer version-diff ${layout}`} data-path={path} />;
}
