import { lazy, Suspense, useMemo, useState } from 'react';
import { api, useGenerateMutation, useGetGeneratedFileQuery, useGetGenerationQuery } from '../api.ts';
import { useAppDispatch } from '../store.ts';
import type { Session } from '../types.ts';
import { Feedback } from './Feedback.tsx';
import { Loading, ProblemMessage } from './ProblemMessage.tsx';

const CodeViewer = lazy(() => import('./CodeViewer.tsx'));

interface TreeNode {
  name: string;
  path: string;
  children: TreeNode[];
}

/** Paths as a folder tree, folders first. */
export function fileTree(paths: string[]): TreeNode[] {
  const root: TreeNode = { name: '', path: '', children: [] };
  for (const path of paths) {
    let node = root;
    const parts = path.split('/');
    parts.forEach((part, i) => {
      const at = parts.slice(0, i + 1).join('/');
      let child = node.children.find((c) => c.name === part);
      if (!child) {
        child = { name: part, path: at, children: [] };
        node.children.push(child);
      }
      node = child;
    });
  }
  const sort = (nodes: TreeNode[]): TreeNode[] =>
    nodes
      .sort(
        (a, b) =>
          Number(b.children.length > 0) - Number(a.children.length > 0) || a.name.localeCompare(b.name),
      )
      .map((n) => ({ ...n, children: sort(n.children) }));
  return sort(root.children);
}

function Tree({ nodes, open, onOpen }: { nodes: TreeNode[]; open?: string; onOpen(path: string): void }) {
  return (
    <ul className="file-tree">
      {nodes.map((n) =>
        n.children.length > 0 ? (
          <li key={n.path}>
            <details open>
              <summary>{n.name}/</summary>
              <Tree nodes={n.children} open={open} onOpen={onOpen} />
            </details>
          </li>
        ) : (
          <li key={n.path}>
            <button
              type="button"
              className="file"
              aria-current={open === n.path ? 'true' : undefined}
              onClick={() => onOpen(n.path)}
            >
              {n.name}
            </button>
          </li>
        ),
      )}
    </ul>
  );
}

function saveBlob(name: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

function OpenFile({ generationId, path }: { generationId: string; path: string }) {
  const file = useGetGeneratedFileQuery({ id: generationId, path });
  const [copied, setCopied] = useState(false);
  if (file.isLoading) return <Loading label={`Opening ${path}`} />;
  if (file.error || file.data === undefined)
    return <ProblemMessage error={file.error} onRetry={() => file.refetch()} />;
  const content = file.data;
  return (
    <div className="stack">
      <div className="row">
        <button
          type="button"
          onClick={async () => {
            await navigator.clipboard.writeText(content);
            setCopied(true);
            setTimeout(() => setCopied(false), 1_500);
          }}
        >
          {copied ? 'Copied' : 'Copy file'}
        </button>
        <button
          type="button"
          onClick={() =>
            saveBlob(path.split('/').at(-1) ?? 'file', new Blob([content], { type: 'text/plain' }))
          }
        >
          Download file
        </button>
      </div>
      <Suspense fallback={<Loading label="Loading the editor" />}>
        <CodeViewer path={path} content={content} />
      </Suspense>
    </div>
  );
}

/** Generated code: generation progress, the file tree, open files in tabs, copy and download. */
export function CodePreview({ session }: { session: Session }) {
  const generationId = session.generationIds.at(-1);
  const generation = useGetGenerationQuery(generationId ?? '', { skip: !generationId });
  const [generate, generating] = useGenerateMutation();
  const [tabs, setTabs] = useState<string[]>([]);
  const [active, setActive] = useState<string>();
  const [zipping, setZipping] = useState<string>();
  const [zipError, setZipError] = useState<unknown>();
  const dispatch = useAppDispatch();
  const tree = useMemo(() => fileTree(generation.data?.files ?? []), [generation.data?.files]);

  const open = (path: string) => {
    setTabs((t) => (t.includes(path) ? t : [...t, path]));
    setActive(path);
  };
  const close = (path: string) => {
    setTabs((t) => t.filter((p) => p !== path));
    if (active === path) setActive(tabs.filter((p) => p !== path).at(-1));
  };
  const downloadAll = async () => {
    if (!generation.data?.files || !generationId) return;
    const { default: JSZip } = await import('jszip');
    const zip = new JSZip();
    const folder = zip.folder(generation.data.name ?? 'agent') ?? zip;
    let done = 0;
    setZipping(`0/${generation.data.files.length}`);
    setZipError(undefined);
    try {
      await Promise.all(
        generation.data.files.map(async (path) => {
          // Through the API slice: the same URL, auth and cache as the files opened in the editor.
          const file = dispatch(api.endpoints.getGeneratedFile.initiate({ id: generationId, path }));
          const content = await file.unwrap().finally(() => file.unsubscribe());
          folder.file(path, content, path.endsWith('.sh') ? { unixPermissions: 0o755 } : {});
          setZipping(`${++done}/${generation.data?.files?.length}`);
        }),
      );
      saveBlob(
        `${generation.data.name ?? 'agent'}.zip`,
        await zip.generateAsync({ type: 'blob', platform: 'UNIX' }),
      );
    } catch (error) {
      setZipError(error);
    } finally {
      setZipping(undefined);
    }
  };

  if (!generationId)
    return (
      <div className="card stack">
        <p className="empty">No project generated yet.</p>
        <div>
          <button
            type="button"
            className="primary"
            onClick={() => generate({ sessionId: session.id })}
            disabled={generating.isLoading}
          >
            {generating.isLoading ? 'Generating…' : 'Generate the project'}
          </button>
        </div>
        {generating.isLoading && (
          <ol className="gen-steps" aria-label="Generation progress">
            <li>Validating the spec</li>
            <li>Rendering the agent and its deployment, estimating the cost</li>
            <li>Packaging and storing</li>
          </ol>
        )}
        <ProblemMessage error={generating.error} />
      </div>
    );
  if (generation.isLoading) return <Loading label="Loading the generated project" />;
  if (generation.error || !generation.data)
    return <ProblemMessage error={generation.error} onRetry={() => generation.refetch()} />;
  const g = generation.data;
  if (g.status === 'FAILED')
    return (
      <ProblemMessage
        problem={{
          type: 'generation-failed',
          title: 'Generation failed',
          status: 0,
          detail: g.reason ?? 'no reason recorded',
        }}
      />
    );

  return (
    <div className="code-layout">
      <aside className="card" aria-label="Project files">
        <div className="row spread">
          <strong>{g.name}</strong>
          <span className="muted">{g.files?.length} files</span>
        </div>
        <button type="button" className="primary" onClick={downloadAll} disabled={zipping !== undefined}>
          {zipping ? `Zipping ${zipping}…` : 'Download all (.zip)'}
        </button>
        <ProblemMessage error={zipError} />
        {g.warnings && g.warnings.length > 0 && (
          <ul className="warnings">
            {g.warnings.map((w) => (
              <li key={w.path + w.message}>
                <code>{w.path}</code> {w.message}
              </li>
            ))}
          </ul>
        )}
        <Tree nodes={tree} open={active} onOpen={open} />
        <Feedback subject="generation" id={g.id} />
      </aside>
      <section className="editor-area" aria-label="Open files">
        {tabs.length === 0 && <p className="empty">Open a file from the tree.</p>}
        {tabs.length > 0 && (
          <ul aria-label="Open files" className="file-tabs">
            {tabs.map((path) => (
              <li key={path} className="file-tab">
                <button
                  type="button"
                  aria-current={active === path ? 'true' : undefined}
                  onClick={() => setActive(path)}
                >
                  {path.split('/').at(-1)}
                </button>
                <button type="button" aria-label={`Close ${path}`} onClick={() => close(path)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        {active && generationId && <OpenFile key={active} generationId={generationId} path={active} />}
      </section>
    </div>
  );
}
