import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useAddMessageMutation, useSessionContextQuery } from '../api.ts';
import { useFeatures } from '../features.ts';
import { useAutosave } from '../hooks/use-autosave.ts';
import { PHASE_LABELS, TABS, tabEnabled } from '../phases.ts';
import type { Answer, Language, Session, SessionContext, Target } from '../types.ts';
import { NumberField } from './NumberField.tsx';
import { Loading, ProblemMessage } from './ProblemMessage.tsx';
import { settingAnchor, ToolSettings } from './ToolSettings.tsx';

type Reply = Answer<'addMessage'>['reply'];

const TARGETS: Record<Target, string> = {
  agentcore: 'Bedrock AgentCore Runtime',
  'ecs-fargate': 'ECS Fargate',
  lambda: 'AWS Lambda',
};
const CONSULTANT: Record<string, string> = {
  deterministic: 'rule-based consultant',
  model: 'model consultant',
};

const answerText = (session: Session, key: string) => {
  const value = session.answers.REQUIREMENTS?.[key];
  return value === undefined ? '' : String(value);
};

/** Where a value came from, in the builder's terms. */
function Source({ context, field }: { context: SessionContext; field: string }) {
  const evidence = context.evidence[field];
  if (!evidence) return null;
  return <span className={`source ${evidence.source}`}>{evidence.reason}</span>;
}

/** The requirements phase: the description, the essentials, the conversation, and the spec so far. */
export function Requirements({ session }: { session: Session }) {
  const context = useSessionContextQuery(session.id);
  const { save, flush, unsaved, state } = useAutosave(session);
  const [addMessage, sending] = useAddMessageMutation();
  const navigate = useNavigate();
  const has = useFeatures();
  const [useCase, setUseCase] = useState(answerText(session, 'useCase'));
  const [name, setName] = useState(session.selections.name ?? session.title);
  const [prompt, setPrompt] = useState<string>();
  const [message, setMessage] = useState('');
  const [lastReply, setLastReply] = useState<Reply>();
  const spec = context.data?.spec;

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!message.trim()) return;
    await flush();
    const result = await addMessage({ id: session.id, version: session.version, text: message.trim() });
    if ('data' in result && result.data) {
      setMessage('');
      setLastReply(result.data.reply);
    }
  };

  /** "Still needed" links: a field on this page gets focus; a field of a later tab opens it. */
  const goTo = (field: string) => {
    const setting = /^toolConfig\.([a-z0-9_]+)\.(\w+)$/.exec(field);
    const anchor = setting
      ? settingAnchor(setting[1] ?? '', setting[2] ?? '')
      : field === 'model'
        ? undefined
        : `field-${field}`;
    if (anchor) {
      const element = document.getElementById(anchor);
      element?.scrollIntoView?.({ block: 'center' });
      element?.focus();
      return;
    }
    const tab = TABS.find((t) => t.key === 'model');
    if (tab && tabEnabled(tab, session.phase)) navigate(`/sessions/${session.id}/model`);
    else document.getElementById('advance-hint')?.focus();
  };

  return (
    <div className="two-col">
      <div className="stack">
        <form className="card stack" aria-labelledby="questions-heading" onSubmit={(e) => e.preventDefault()}>
          <div className="row spread">
            <h2 id="questions-heading">Describe your agent</h2>
            <span role="status" className="muted">
              {state.isLoading ? 'Saving…' : unsaved ? 'Not saved yet' : 'All changes saved'}
            </span>
          </div>
          <label htmlFor="field-useCase">
            What should the agent do, and for whom? Tools, systems, volume, budget: say it in your own words.
            <textarea
              id="field-useCase"
              rows={5}
              value={useCase}
              onChange={(e) => {
                setUseCase(e.target.value);
                save({ answersPhase: 'REQUIREMENTS', answers: { useCase: e.target.value } });
              }}
            />
          </label>
          <label htmlFor="field-name">
            Name
            <input
              id="field-name"
              value={name}
              maxLength={200}
              onChange={(e) => {
                setName(e.target.value);
                if (e.target.value.trim()) save({ selections: { name: e.target.value.trim() } });
              }}
            />
          </label>
          {spec && context.data && (
            <fieldset className="essentials">
              <legend>The essentials</legend>
              <div className="field">
                <label htmlFor="field-language">Language</label>
                <select
                  id="field-language"
                  value={spec.language ?? 'typescript'}
                  onChange={(e) => save({ selections: { language: e.target.value as Language } }, 0)}
                >
                  <option value="typescript">TypeScript</option>
                  <option value="python">Python</option>
                </select>
                <Source context={context.data} field="language" />
              </div>
              <div className="field">
                <label htmlFor="field-deployment">Where it runs</label>
                <select
                  id="field-deployment"
                  value={spec.deployment.target ?? 'agentcore'}
                  onChange={(e) =>
                    save({ selections: { deployment: { target: e.target.value as Target } } }, 0)
                  }
                >
                  {Object.entries(TARGETS)
                    // A target still rolling out shows only to builders who have it (or already chose it).
                    .filter(([value]) => has(`target-${value as Target}`) || value === spec.deployment.target)
                    .map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                </select>
                <Source context={context.data} field="deployment" />
              </div>
              <NumberField
                id="field-usage"
                label="Requests per month"
                integer
                min={1}
                max={1e9}
                value={spec.usage?.requestsPerMonth}
                onValue={(n) => n !== undefined && save({ selections: { usage: { requestsPerMonth: n } } })}
                hint={<Source context={context.data} field="usage" />}
              />
              <NumberField
                id="field-budget"
                label="Monthly budget"
                prefix="$"
                unit="USD/month"
                min={0.01}
                max={10_000_000}
                value={spec.budget?.monthlyUsd}
                onValue={(n) => n !== undefined && save({ selections: { budget: { monthlyUsd: n } } })}
                hint={<Source context={context.data} field="budget" />}
              />
            </fieldset>
          )}
          <label htmlFor="field-systemPrompt">
            Instructions (system prompt)
            <textarea
              id="field-systemPrompt"
              rows={6}
              value={prompt ?? session.selections.systemPrompt ?? spec?.systemPrompt ?? ''}
              onChange={(e) => {
                setPrompt(e.target.value);
                if (e.target.value.trim()) save({ selections: { systemPrompt: e.target.value } });
              }}
            />
            {context.data && <Source context={context.data} field="systemPrompt" />}
          </label>
          <ProblemMessage error={state.error} />
        </form>
        {context.data && <ToolSettings session={session} context={context.data} />}
      </div>
      <div className="stack">
        <section className="card" aria-labelledby="spec-heading">
          <h2 id="spec-heading">Your agent so far</h2>
          {context.isLoading && <Loading label="Reading your answers" />}
          {context.error && <ProblemMessage error={context.error} onRetry={() => context.refetch()} />}
          {context.data && spec && (
            <>
              <div className="completeness">
                <label htmlFor="completeness">Completeness</label>
                <meter
                  id="completeness"
                  min={0}
                  max={100}
                  value={context.data.completeness}
                  low={50}
                  high={90}
                  optimum={100}
                />
                <span>{context.data.completeness}%</span>
              </div>
              {context.data.missing.length > 0 && (
                <>
                  <h3>Still needed</h3>
                  <ul className="missing">
                    {context.data.missing.map((m) => (
                      <li key={m.field}>
                        <button type="button" className="link" onClick={() => goTo(m.field)}>
                          {m.field.replace(/^toolConfig\./, '')}
                        </button>{' '}
                        {m.question}
                        {!m.required && <span className="muted"> (optional)</span>}
                      </li>
                    ))}
                  </ul>
                </>
              )}
              {context.data.ready ? (
                <p id="advance-hint" tabIndex={-1}>
                  Everything needed to generate is here. Continue to {PHASE_LABELS.ARCHITECTURE} to check the
                  model.
                </p>
              ) : (
                context.data.missing.every((m) => !m.required) &&
                context.data.problems.length === 0 && <p>Almost there.</p>
              )}
              {context.data.problems.length > 0 && (
                <ul className="problems">
                  {context.data.problems.map((p) => (
                    <li key={p.path}>
                      <code>{p.path}</code> {p.message}
                    </li>
                  ))}
                </ul>
              )}
              <dl className="spec">
                <dt>Name</dt>
                <dd>{spec.name || '—'}</dd>
                <dt>Model</dt>
                <dd>
                  {spec.model || '—'} <Source context={context.data} field="model" />
                </dd>
                <dt>Tools</dt>
                <dd>
                  {spec.tools.length === 0
                    ? '—'
                    : spec.tools.map((id) => (
                        <span key={id} className="tool-pick">
                          <code>{id}</code>{' '}
                          <Source context={context.data as SessionContext} field={`tools.${id}`} />
                        </span>
                      ))}
                </dd>
                <dt>Language</dt>
                <dd>{spec.language}</dd>
                <dt>Runs on</dt>
                <dd>{spec.deployment.target ? TARGETS[spec.deployment.target] : '—'}</dd>
                <dt>Volume</dt>
                <dd>
                  {spec.usage ? `${spec.usage.requestsPerMonth.toLocaleString('en-US')} requests/month` : '—'}
                </dd>
                <dt>Budget</dt>
                <dd>{spec.budget ? `$${spec.budget.monthlyUsd.toLocaleString('en-US')}/month` : '—'}</dd>
              </dl>
              {context.data.skippedTools.length > 0 && (
                <ul className="notes">
                  {context.data.skippedTools.map((s) => (
                    <li key={s.toolId}>{s.reason}</li>
                  ))}
                </ul>
              )}
            </>
          )}
        </section>
        <section className="card" aria-labelledby="conversation-heading">
          <h2 id="conversation-heading">Conversation</h2>
          {session.messages.length === 0 ? (
            <p className="empty">
              Tell the consultant more: tools you need, systems to reach, how busy it will be. It answers each
              message and asks what is still missing.
            </p>
          ) : (
            <ol className="messages" aria-live="polite">
              {session.messages.map((m) => (
                <li key={`${m.role}:${m.at}`} className={m.role}>
                  {m.role === 'assistant' && (
                    <span className="who">{CONSULTANT[m.by ?? 'deterministic'] ?? 'consultant'}: </span>
                  )}
                  {m.text}
                </li>
              ))}
            </ol>
          )}
          {lastReply && lastReply.notes.length > 0 && (
            <ul className="notes" aria-label="About the last reply">
              {lastReply.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          <form onSubmit={send} className="row">
            <label className="grow">
              <span className="sr-only">Message</span>
              <input
                value={message}
                onChange={(e) => setMessage(e.target.value)}
                placeholder="It should also post a summary to #incidents on Slack"
              />
            </label>
            <button type="submit" disabled={sending.isLoading || !message.trim()}>
              {sending.isLoading ? 'Sending…' : 'Send'}
            </button>
          </form>
          <ProblemMessage error={sending.error} />
        </section>
      </div>
    </div>
  );
}
