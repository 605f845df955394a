import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { python } from '@codemirror/lang-python';
import { yaml } from '@codemirror/lang-yaml';
import { defaultHighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';

/** The highlighting for a file, by its name. */
export function languageFor(path: string): Extension | undefined {
  const name = path.split('/').at(-1) ?? path;
  if (/^Dockerfile/.test(name)) return StreamLanguage.define(dockerFile);
  if (/\.(ts|tsx|mts|cts)$/.test(name)) return javascript({ typescript: true });
  if (/\.(js|mjs|cjs)$/.test(name)) return javascript();
  if (/\.py$/.test(name)) return python();
  if (/\.ya?ml$/.test(name)) return yaml();
  if (/\.json$/.test(name)) return json();
  if (/\.(sh|bash|env)$/.test(name) || name === '.env.example') return StreamLanguage.define(shell);
  return undefined;
}

/** A read-only CodeMirror 6 view of one file (loaded lazily with the code tab). */
export default function CodeViewer({ path, content }: { path: string; content: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const language = languageFor(path);
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: content,
        extensions: [
          lineNumbers(),
          EditorState.readOnly.of(true),
          EditorView.editable.of(false),
          // Read-only content is not focusable by default; a long line makes the view scroll, and a
          // scrollable region must be reachable from the keyboard (WCAG 2.1.1).
          EditorView.contentAttributes.of({ 'aria-label': `Contents of ${path}`, tabindex: '0' }),
          syntaxHighlighting(defaultHighlightStyle),
          ...(language ? [language] : []),
        ],
      }),
    });
    return () => view.destroy();
  }, [path, content]);
  return <div ref={host} className="code-viewer" data-path={path} />;
}
