import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import {
  api,
  useGenerateMutation,
  useGetGeneratedFileQuery,
  useGetGenerationQuery,
  useListVersionsQuery,
} from '../api.ts';
import { useAppDispatch } from '../store.ts';
import type { Answer, Session } from '../types.ts';
import { Feedback } from './Feedback.tsx';
import { Loading, ProblemMessage } from './ProblemMessage.tsx';
import type { DiffLayout } from './VersionDiff.tsx';

const CodeViewer = lazy(() => import('./CodeViewer.tsx'));
const VersionDiff = lazy(() => import('./VersionDiff.tsx'));

type Version = Answer<'listVersions'>['versions'][number];
type AppDispatch = ReturnType<typeof useAppDispatch>;
type Change = NonNullable<Version['changes']>[number];

/** A spec change in words: `model: a → b`. */
export const describeChange = (c: Change) =>
  c.from && c.to ? `${c.field}: ${c.from} → ${c.to}` : c.to ? `${c.field}: ${c.to}` : `${c.field} removed`;

/** Every file of a generation, through the API slice (same cache and auth as the editor). */
async function fetchFiles(dispatch: AppDispatch, id: string, paths: string[]) {
  const entries = await Promise.all(
    paths.map(async (path) => {
      const file = dispatch(api.endpoints.getGeneratedFile.initiate({ id, path }));
      return [path, await file.unwrap().finally(() => file.unsubscribe())] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Two versions of the agent compared file by file: what was added, removed or changed, and each diff. */
function VersionCompare({
  versions,
  from,
  to,
  onChange,
  onClose,
}: {
  versions: Version[];
  from: string;
  to: string;
  onChange(pair: { from: string; to: string }): void;
  onClose(): void;
}) {
  const dispatch = useAppDispatch();
  const [layout, setLayout] = useState<DiffLayout>('split');
  const [files, setFiles] = useState<{ before: Record<string, string>; after: Record<string, string> }>();
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState<string>();
  const a = versions.find((v) => v.id === from);
  const b = versions.find((v) => v.id === to);
  useEffect(() => {
    if (!a || !b) return;
    let live = true;
    setFiles(undefined);
    setError(undefined);
    Promise.all([fetchFiles(dispatch, a.id, a.files ?? []), fetchFiles(dispatch, b.id, b.files ?? [])])
      .then(([before, after]) => live && setFiles({ before, after }))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [a, b, dispatch]);
  const changed = useMemo(() => {
    if (!files) return [];
    const paths = [...new Set([...Object.keys(files.before), ...Object.keys(files.after)])].sort();
    return paths.flatMap((path) => {
      const before = files.before[path];
      const after = files.after[path];
      if (before === after) return [];
      return [{ path, kind: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed' }];
    });
  }, [files]);
  const shown = open && changed.some((c) => c.path === open) ? open : changed[0]?.path;
  const label = (v: Version | undefined) => (v ? `v${v.version}` : '?');

  return (
    <section className="card stack" aria-labelledby="compare-versions">
      <div className="row spread">
        <h2 id="compare-versions">
          {label(a)} → {label(b)}
        </h2>
        <button type="button" onClick={onClose}>
          Close the comparison
        </button>
      </div>
      <div className="row">
        <label>
          From
          <select value={from} onChange={(e) => onChange({ from: e.target.value, to })}>
            {versions.map((v) => (
              <option key={v.id} value={v.id}>
                v{v.version}
              </option>
            ))}
          </select>
        </label>
        <label>
          To
          <select value={to} onChange={(e) => onChange({ from, to: e.target.value })}>
            {versions.map((v) => (
              <option key={v.id} value={v.id}>
                v{v.version}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="row segmented">
          <legend className="sr-only">Layout</legend>
          <button type="button" aria-pressed={layout === 'split'} onClick={() => setLayout('split')}>
            Side by side
          </button>
          <button type="button" aria-pressed={layout === 'unified'} onClick={() => setLayout('unified')}>
            Unified
          </button>
        </fieldset>
      </div>
      {b?.changes && b.changes.length > 0 && b.version === (a?.version ?? 0) + 1 && (
        <p>What changed in the spec: {b.changes.map(describeChange).join('; ')}</p>
      )}
      <ProblemMessage error={error} />
      {!files && !error && <Loading label="Reading both versions" />}
      {files && changed.length === 0 && <p className="empty">The two versions have the same files.</p>}
      {files && changed.length > 0 && (
        <>
          <ul className="changed-files" aria-label="Changed files">
            {changed.map((c) => (
              <li key={c.path}>
                <button
                  type="button"
                  aria-current={shown === c.path ? 'true' : undefined}
                  onClick={() => setOpen(c.path)}
                >
                  {c.path}
                </button>{' '}
                <span className={`badge ${c.kind}`}>{c.kind}</span>
              </li>
            ))}
          </ul>
          {shown && (
            <Suspense fallback={<Loading label="Loading the diff" />}>
              <VersionDiff
                path={shown}
                before={files.before[shown] ?? ''}
                after={files.after[shown] ?? ''}
                beforeLabel={label(a)}
                afterLabel={label(b)}
                layout={layout}
              />
            </Suspense>
          )}
        </>
      )}
    </section>
  );
}

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
  const latestId = session.generationIds.at(-1);
  const versions = useListVersionsQuery(session.id, { skip: !latestId });
  const [viewing, setViewing] = useState<string>();
  const [comparing, setComparing] = useState<{ from: string; to: string }>();
  const generationId = viewing && session.generationIds.includes(viewing) ? viewing : latestId;
  const generation = useGetGenerationQuery(generationId ?? '', { skip: !generationId });
  const [generate, generating] = useGenerateMutation();
  const list = versions.data?.versions ?? [];
  const version = list.find((v) => v.id === generationId);
  const previous = version ? list.find((v) => v.version === (version.version ?? 0) - 1) : undefined;
  const latest = list[0];
  const regenerate = async () => {
    const result = await generate({ sessionId: session.id });
    // The new version opens with its diff against the one before it.
    if ('data' in result && result.data?.status === 'SUCCEEDED') {
      setViewing(undefined);
      if (latestId) setComparing({ from: latestId, to: result.data.id });
    }
  };
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
        `${generation.data.name ?? 'agent'}${generation.data.version ? `-v${generation.data.version}` : ''}.zip`,
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
    <div className="stack">
      {versions.data && latest && !versions.data.current.upToDate && (
        <div className="budget warning" role="status">
          <p>
            <strong>The code is out of date.</strong> The spec changed since v{latest.version}
            {versions.data.current.changes.length > 0
              ? `: ${versions.data.current.changes.map(describeChange).join('; ')}.`
              : '.'}
            {versions.data.current.blocked
              ? ` It cannot be generated yet: ${versions.data.current.blocked}.`
              : ''}
          </p>
          <button
            type="button"
            className="primary"
            onClick={regenerate}
            disabled={generating.isLoading || Boolean(versions.data.current.blocked)}
          >
            {generating.isLoading ? 'Regenerating…' : 'Regenerate'}
          </button>
          <ProblemMessage error={generating.error} />
        </div>
      )}
      {list.length > 0 && (
        <div className="row version-bar">
          <label>
            Version
            <select value={generationId} onChange={(e) => setViewing(e.target.value)}>
              {list.map((v) => (
                <option key={v.id} value={v.id}>
                  v{v.version} · {new Date(v.createdAt).toLocaleString()}
                  {v.id === latest?.id ? ' (latest)' : ''}
                </option>
              ))}
            </select>
          </label>
          {version && (
            <span className="muted">
              {version.version === 1
                ? 'the first version'
                : version.changes && version.changes.length > 0
                  ? `changed: ${version.changes.map(describeChange).join('; ')}`
                  : 'regenerated with the same spec'}
            </span>
          )}
          {previous && version && (
            <button type="button" onClick={() => setComparing({ from: previous.id, to: version.id })}>
              Compare with v{previous.version}
            </button>
          )}
        </div>
      )}
      {comparing && list.length > 0 && (
        <VersionCompare
          versions={list}
          from={comparing.from}
          to={comparing.to}
          onChange={setComparing}
          onClose={() => setComparing(undefined)}
        />
      )}
      <div className="code-layout">
        <aside className="card" aria-label="Project files">
          <div className="row spread">
            <strong>{g.name}</strong>
            <span className="muted">{g.files?.length} files</span>
          </div>
          <button type="button" className="primary" onClick={downloadAll} disabled={zipping !== undefined}>
            {zipping ? `Zipping ${zipping}…` : `Download${g.version ? ` v${g.version}` : ' all'} (.zip)`}
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
          {active && generationId && (
            <OpenFile key={`${generationId}:${active}`} generationId={generationId} path={active} />
          )}
        </section>
      </div>
    </div>
  );
}
