import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useAdvanceSessionMutation, useGetSessionQuery, useListVersionsQuery } from '../api.ts';
import { CodePreview } from '../components/CodePreview.tsx';
import { CostEstimator } from '../components/CostEstimator.tsx';
import { DeployStep } from '../components/DeployStep.tsx';
import { ModelSelector } from '../components/ModelSelector.tsx';
import { Loading, ProblemMessage } from '../components/ProblemMessage.tsx';
import { Requirements } from '../components/Requirements.tsx';
import { TestingTab } from '../components/TestingTab.tsx';
import { ToolSelector } from '../components/ToolSelector.tsx';
import { useVersionWarning } from '../hooks/use-version-warning.ts';
import { PHASE_LABELS, phaseIndex, TABS, type TabKey, tabEnabled } from '../phases.ts';
import { PHASES, type Session } from '../types.ts';

/** The tab a session opens on: the one its phase is about. */
function tabForPhase(session: Session): TabKey {
  const open = TABS.filter((t) => tabEnabled(t, session.phase) && t.key !== 'cost');
  return open.at(-1)?.key ?? 'requirements';
}

/** One agent's workflow: tabs by phase, a progress indicator, and the step forward. */
export function AgentBuilderPage() {
  const { id = '', tab } = useParams();
  const navigate = useNavigate();
  const session = useGetSessionQuery(id);
  const [advance, advancing] = useAdvanceSessionMutation();
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  // Going on from Testing or Deployment with a version that was never tested, or failed, is asked first.
  const [confirming, setConfirming] = useState(false);
  const checksVersion =
    (session.data?.phase === 'TESTING' || session.data?.phase === 'DEPLOYMENT') &&
    (session.data?.generationIds.length ?? 0) > 0;
  const versions = useListVersionsQuery(id, { skip: !checksVersion });
  const latest = versions.data?.versions[0]?.version;
  const readiness = useVersionWarning(session.data, latest ? `v${latest}` : 'The latest version', {
    skip: !checksVersion,
  });
  // On a narrow screen the tab strip scrolls: keep the open tab in sight.
  const loaded = session.data !== undefined;
  useEffect(() => {
    if (loaded) tabRefs.current[tab ?? '']?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, [tab, loaded]);

  if (session.isLoading)
    return (
      <main className="page">
        <Loading label="Loading the session" />
      </main>
    );
  if (session.error || !session.data)
    return (
      <main className="page">
        <ProblemMessage error={session.error} onRetry={() => session.refetch()} />
        <Link to="/">Back to your agents</Link>
      </main>
    );
  const s = session.data;
  const asked = tab ? TABS.find((t) => t.key === tab) : undefined;
  // A tab the session has not reached (or no such tab) is said so, not swapped for another one.
  const unreached = tab !== undefined && (!asked || !tabEnabled(asked, s.phase));
  const active = (asked && !unreached ? asked.key : tabForPhase(s)) as TabKey;
  const step = phaseIndex(s.phase);
  const next = PHASES[step + 1];
  const go = (key: TabKey) => navigate(`/sessions/${s.id}/${key}`);

  const onTabKey = (event: KeyboardEvent) => {
    const enabled = TABS.filter((t) => tabEnabled(t, s.phase));
    const at = enabled.findIndex((t) => t.key === active);
    const move = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!move) return;
    event.preventDefault();
    const target = enabled[(at + move + enabled.length) % enabled.length];
    if (target) {
      go(target.key);
      tabRefs.current[target.key]?.focus();
    }
  };

  const onAdvance = async () => {
    setConfirming(false);
    const result = await advance({ id: s.id, version: s.version });
    if ('data' in result && result.data) {
      const phase = result.data.session.phase;
      const opened = TABS.filter((t) => t.phase === phase && t.key !== 'cost')[0];
      if (opened) go(opened.key);
    }
  };

  return (
    <main className="page builder" id="main">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/">Your agents</Link> / <span>{s.title}</span>
      </nav>
      <header className="builder-head">
        <h1>{s.title}</h1>
        <section className="progress" aria-label="Workflow progress">
          <progress
            max={PHASES.length - 1}
            value={step}
            aria-valuetext={`${PHASE_LABELS[s.phase]}, step ${step + 1} of ${PHASES.length}`}
          />
          <ol className="steps">
            {PHASES.slice(0, -1).map((p, i) => (
              <li
                key={p}
                className={i < step ? 'done' : i === step ? 'current' : ''}
                aria-current={i === step ? 'step' : undefined}
              >
                {PHASE_LABELS[p]}
              </li>
            ))}
          </ol>
        </section>
        {next && s.phase !== 'COMPLETE' && (
          <div className="advance">
            <button
              type="button"
              className="primary"
              onClick={() => (readiness.warning ? setConfirming(true) : onAdvance())}
              disabled={advancing.isLoading || readiness.isLoading || confirming}
            >
              {advancing.isLoading
                ? s.phase === 'IMPLEMENTATION'
                  ? 'Generating the project…'
                  : 'Checking…'
                : s.phase === 'IMPLEMENTATION'
                  ? 'Generate the project'
                  : `Continue to ${PHASE_LABELS[next]}`}
            </button>
            {confirming && readiness.warning && next && (
              <div className="confirm" role="alertdialog" aria-labelledby="continue-warning">
                <p id="continue-warning">
                  <strong>{readiness.warning}</strong> Continue to {PHASE_LABELS[next]} anyway?
                </p>
                <button type="button" onClick={onAdvance}>
                  Continue anyway
                </button>{' '}
                <button type="button" onClick={() => setConfirming(false)}>
                  Not yet
                </button>
              </div>
            )}
          </div>
        )}
      </header>
      <ProblemMessage error={advancing.error} />
      <div role="tablist" aria-label="Workflow" className="tabs" onKeyDown={onTabKey}>
        {TABS.map((t) => {
          const enabled = tabEnabled(t, s.phase);
          return (
            <button
              key={t.key}
              ref={(el) => {
                tabRefs.current[t.key] = el;
              }}
              type="button"
              role="tab"
              id={`tab-${t.key}`}
              aria-selected={active === t.key}
              aria-controls={`panel-${t.key}`}
              tabIndex={active === t.key ? 0 : -1}
              disabled={!enabled}
              title={enabled ? undefined : `Opens in the ${PHASE_LABELS[t.phase]} phase`}
              onClick={() => go(t.key)}
            >
              {t.label}
            </button>
          );
        })}
      </div>
      <section
        role="tabpanel"
        id={`panel-${active}`}
        aria-labelledby={`tab-${active}`}
        className="panel"
        tabIndex={-1}
      >
        {unreached && (
          <p className="warning" role="alert">
            {asked
              ? `The ${asked.label} tab opens in the ${PHASE_LABELS[asked.phase]} step; this agent is at ${PHASE_LABELS[s.phase]}.`
              : `There is no "${tab}" tab.`}{' '}
            <Link to={`/sessions/${s.id}/${tabForPhase(s)}`}>
              Go to {TABS.find((t) => t.key === tabForPhase(s))?.label}
            </Link>
          </p>
        )}
        {!unreached && active === 'requirements' && <Requirements session={s} />}
        {!unreached && active === 'model' && <ModelSelector session={s} />}
        {!unreached && active === 'tools' && <ToolSelector session={s} />}
        {!unreached && active === 'code' && <CodePreview session={s} />}
        {!unreached && active === 'cost' && <CostEstimator session={s} />}
        {!unreached && active === 'testing' && <TestingTab session={s} />}
        {!unreached && active === 'deploy' && <DeployStep session={s} />}
      </section>
    </main>
  );
}
