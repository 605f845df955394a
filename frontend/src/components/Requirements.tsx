import { type FormEvent, useState } from 'react';
import { useAddMessageMutation, useSessionContextQuery, useUpdateSessionMutation } from '../api.ts';
import type { Language, Session, Target } from '../types.ts';
import { Loading, ProblemMessage } from './ProblemMessage.tsx';

const answerText = (session: Session, key: string) => {
  const value = session.answers.REQUIREMENTS?.[key];
  return value === undefined ? '' : String(value);
};

/** The requirements phase: the questions, the conversation, and the spec extracted so far. */
export function Requirements({ session }: { session: Session }) {
  const context = useSessionContextQuery(session.id);
  const [update, saving] = useUpdateSessionMutation();
  const [addMessage, sending] = useAddMessageMutation();
  const [form, setForm] = useState({
    useCase: answerText(session, 'useCase'),
    name: session.selections.name ?? (answerText(session, 'name') || session.title),
    requestsPerMonth: answerText(session, 'requestsPerMonth'),
    systemPrompt: session.selections.systemPrompt ?? '',
    language: (session.selections.language ?? 'typescript') as Language,
    target: (session.selections.deployment?.target ?? '') as Target | '',
  });
  const [message, setMessage] = useState('');
  const [saved, setSaved] = useState(false);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => {
    setSaved(false);
    setForm((f) => ({ ...f, [key]: e.target.value }));
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const requests = Number(form.requestsPerMonth);
    const result = await update({
      id: session.id,
      version: session.version,
      answersPhase: 'REQUIREMENTS',
      answers: {
        ...(form.useCase.trim() ? { useCase: form.useCase.trim() } : {}),
        ...(form.requestsPerMonth.trim() && Number.isFinite(requests) ? { requestsPerMonth: requests } : {}),
      },
      selections: {
        ...(form.name.trim() ? { name: form.name.trim() } : {}),
        ...(form.systemPrompt.trim() ? { systemPrompt: form.systemPrompt } : {}),
        language: form.language,
        ...(form.target ? { deployment: { target: form.target } } : {}),
      },
    });
    if ('data' in result) setSaved(true);
  };

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!message.trim()) return;
    const result = await addMessage({ id: session.id, version: session.version, text: message.trim() });
    if ('data' in result) setMessage('');
  };

  return (
    <div className="two-col">
      <form className="card stack" onSubmit={save} aria-labelledby="questions-heading">
        <h2 id="questions-heading">Questions</h2>
        <label>
          What should the agent do, for whom? Describe a typical request.
          <textarea rows={4} value={form.useCase} onChange={set('useCase')} required />
        </label>
        <label>
          Name
          <input value={form.name} onChange={set('name')} maxLength={200} />
        </label>
        <label>
          Requests per month (for the cost estimate)
          <input
            inputMode="numeric"
            value={form.requestsPerMonth}
            onChange={set('requestsPerMonth')}
            pattern="[0-9]*"
          />
        </label>
        <label>
          Instructions (system prompt) — leave empty for a draft from your description
          <textarea rows={5} value={form.systemPrompt} onChange={set('systemPrompt')} />
        </label>
        <div className="row">
          <label>
            Language
            <select value={form.language} onChange={set('language')}>
              <option value="typescript">TypeScript</option>
              <option value="python">Python</option>
            </select>
          </label>
          <label>
            Deployment
            <select value={form.target} onChange={set('target')}>
              <option value="">Decide from my description</option>
              <option value="agentcore">Bedrock AgentCore Runtime</option>
              <option value="lambda">AWS Lambda</option>
              <option value="ecs-fargate">ECS Fargate</option>
            </select>
          </label>
        </div>
        <div className="row">
          <button type="submit" className="primary" disabled={saving.isLoading}>
            {saving.isLoading ? 'Saving…' : 'Save answers'}
          </button>
          {saved && <span role="status">Saved.</span>}
        </div>
        <ProblemMessage error={saving.error} />
      </form>
      <div className="stack">
        <section className="card" aria-labelledby="spec-heading">
          <h2 id="spec-heading">Your agent so far</h2>
          {context.isLoading && <Loading label="Reading your answers" />}
          {context.error && <ProblemMessage error={context.error} onRetry={() => context.refetch()} />}
          {context.data && (
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
              {context.data.missing.length > 0 ? (
                <>
                  <h3>Still needed</h3>
                  <ul className="missing">
                    {context.data.missing.map((m) => (
                      <li key={m.field}>
                        <code>{m.field}</code> {m.question}
                      </li>
                    ))}
                  </ul>
                </>
              ) : (
                <p>Everything needed to generate is here.</p>
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
                <dd>{context.data.spec.name ?? '—'}</dd>
                <dt>Model</dt>
                <dd>
                  {context.data.spec.model ?? '—'}
                  {context.data.sources.model && (
                    <span className="muted"> ({context.data.sources.model})</span>
                  )}
                </dd>
                <dt>Tools</dt>
                <dd>{context.data.spec.tools?.join(', ') || '—'}</dd>
                <dt>Deployment</dt>
                <dd>{context.data.spec.deployment?.target ?? '—'}</dd>
                <dt>Language</dt>
                <dd>{context.data.spec.language ?? '—'}</dd>
              </dl>
            </>
          )}
        </section>
        <section className="card" aria-labelledby="conversation-heading">
          <h2 id="conversation-heading">Conversation</h2>
          {session.messages.length === 0 ? (
            <p className="empty">
              Tell the builder more: tools you need, systems to reach, how busy it will be.
            </p>
          ) : (
            <ol className="messages">
              {session.messages.map((m) => (
                <li key={m.at} className={m.role}>
                  {m.text}
                </li>
              ))}
            </ol>
          )}
          <form onSubmit={send} className="row">
            <label className="grow">
              <span className="sr-only">Message</span>
              <input
                value={message}
                onChange={(e) => setMessage(e.target.value)}
                placeholder="It should also post a summary to Slack"
              />
            </label>
            <button type="submit" disabled={sending.isLoading || !message.trim()}>
              Send
            </button>
          </form>
          <ProblemMessage error={sending.error} />
        </section>
      </div>
    </div>
  );
}
