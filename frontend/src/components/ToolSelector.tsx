import { useMemo, useState } from 'react';
import {
  useListToolsQuery,
  useResolveToolsQuery,
  useSessionContextQuery,
  useUpdateSessionMutation,
} from '../api.ts';
import { useApplyPatch } from '../hooks/use-apply-patch.ts';
import { useDebounced } from '../hooks/use-debounced.ts';
import type { Session, Target, Tool } from '../types.ts';
import { Loading, ProblemMessage } from './ProblemMessage.tsx';
import { ToolSettings } from './ToolSettings.tsx';

/** Tool selection: categories, search, multi-select, the merged dependencies and the target's verdict. */
export function ToolSelector({ session }: { session: Session }) {
  const tools = useListToolsQuery();
  const context = useSessionContextQuery(session.id);
  const [update, saving] = useUpdateSessionMutation();
  const [apply, applying] = useApplyPatch(session);
  const language = session.selections.language ?? context.data?.spec.language ?? 'typescript';
  const target = (session.selections.deployment?.target ?? context.data?.spec.deployment?.target) as
    | Target
    | undefined;
  const saved = session.selections.tools ?? context.data?.spec.tools ?? [];
  // The builder's change shows at once; it is saved behind it (and undone if the save fails).
  const [pending, setPending] = useState<string[]>();
  const chosen = pending ?? saved;
  const [category, setCategory] = useState('');
  const [query, setQuery] = useState('');
  const search = useDebounced(query.toLowerCase(), 200);
  const resolved = useResolveToolsQuery(
    { ids: chosen, language, ...(target ? { platform: target } : {}) },
    { skip: chosen.length === 0 || context.isLoading },
  );

  const categories = useMemo(
    () => [...new Set((tools.data ?? []).map((t) => t.category))].sort(),
    [tools.data],
  );
  const shown = useMemo(
    () =>
      (tools.data ?? []).filter(
        (t) =>
          t.implementations[language] &&
          (!category || t.category === category) &&
          `${t.name} ${t.id} ${t.description}`.toLowerCase().includes(search),
      ),
    [tools.data, category, search, language],
  );
  const byId = useMemo(() => new Map((tools.data ?? []).map((t) => [t.id, t])), [tools.data]);

  const save = async (ids: string[]) => {
    setPending(ids);
    await update({ id: session.id, version: session.version, selections: { tools: ids } });
    setPending(undefined);
  };
  const toggle = (id: string) => save(chosen.includes(id) ? chosen.filter((c) => c !== id) : [...chosen, id]);
  const support = (tool: Tool) => (target ? tool.platforms[target] : undefined);

  return (
    <div className="two-col">
      <section className="stack" aria-labelledby="catalogue-heading">
        <h2 id="catalogue-heading">Tools for {language === 'python' ? 'Python' : 'TypeScript'}</h2>
        <div className="filters">
          <label>
            Search
            <input
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder="calculator, slack, s3…"
            />
          </label>
          <label>
            Category
            <select value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">All categories</option>
              {categories.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
        </div>
        {(tools.isLoading || context.isLoading) && <Loading label="Loading tools" />}
        {context.error && <ProblemMessage error={context.error} onRetry={() => context.refetch()} />}
        {tools.error && <ProblemMessage error={tools.error} onRetry={() => tools.refetch()} />}
        {tools.data && shown.length === 0 && <p className="empty">No tool matches.</p>}
        <ul className="tool-list">
          {/* The current selection must be known before a click can change it. */}
          {(context.isLoading ? [] : shown).map((tool) => {
            const s = support(tool);
            return (
              <li key={tool.id} className={chosen.includes(tool.id) ? 'selected' : ''}>
                <label className="tool">
                  <input
                    type="checkbox"
                    checked={chosen.includes(tool.id)}
                    onChange={() => toggle(tool.id)}
                    disabled={saving.isLoading}
                  />
                  <span>
                    <strong>{tool.name}</strong> <span className="badge">{tool.category}</span>
                    {s && s.status !== 'supported' && (
                      <span className={`badge ${s.status}`}>
                        {s.status} on {target}
                      </span>
                    )}
                    <br />
                    <span className="muted">{tool.description}</span>
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      </section>
      <section className="card stack" aria-labelledby="selection-heading">
        <h2 id="selection-heading">Selected ({chosen.length})</h2>
        <ProblemMessage error={saving.error ?? applying.error} />
        {chosen.length === 0 && <p className="empty">No tools: the agent answers from the model alone.</p>}
        {resolved.isFetching && <Loading label="Resolving dependencies" />}
        {resolved.error && <ProblemMessage error={resolved.error} />}
        {resolved.data && chosen.length > 0 && (
          <>
            {[
              ...(resolved.data.compatibility?.errors ?? []),
              ...(resolved.data.compatibility?.warnings ?? []),
            ].map((w) => (
              <div
                key={`${w.tool}:${w.code}`}
                className={`warning ${resolved.data?.compatibility?.errors.includes(w) ? 'error' : ''}`}
                role="alert"
              >
                <p>{w.message}</p>
                {w.fixes.map((fix) => (
                  <button
                    type="button"
                    key={fix.title}
                    disabled={applying.isLoading}
                    onClick={() => apply(fix.patch)}
                  >
                    {fix.title}
                  </button>
                ))}
              </div>
            ))}
            {resolved.data.dependencies.conflicts.map((c) => (
              <p key={c.name} className="warning error" role="alert">
                Conflict on {c.name}: {c.explanation}
              </p>
            ))}
            <h3>Dependency tree ({resolved.data.dependencies.ecosystem})</h3>
            <ul className="tree" aria-label="Resolved dependencies">
              {chosen.map((id) => (
                <li key={id}>
                  <strong>{byId.get(id)?.name ?? id}</strong>
                  <ul>
                    {resolved.data?.dependencies.packages
                      .filter((p) => p.requiredBy.includes(id))
                      .map((p) => (
                        <li key={p.name}>
                          <code>
                            {p.name} {p.range}
                          </code>
                        </li>
                      ))}
                  </ul>
                </li>
              ))}
            </ul>
          </>
        )}
        {context.data && pending === undefined && <ToolSettings session={session} context={context.data} />}
      </section>
    </div>
  );
}
