import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useCreateSessionMutation, useListSessionsQuery } from '../api.ts';
import { Loading, ProblemMessage } from '../components/ProblemMessage.tsx';
import { PHASE_LABELS } from '../phases.ts';

/** Sessions: every agent the builder has started, newest first; start a new one or resume. */
export function SessionsPage() {
  const sessions = useListSessionsQuery();
  const [create, creating] = useCreateSessionMutation();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [useCase, setUseCase] = useState('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create({
      ...(title.trim() ? { title: title.trim() } : {}),
      ...(useCase.trim() ? { answers: { useCase: useCase.trim() } } : {}),
    });
    if ('data' in result && result.data) navigate(`/sessions/${result.data.id}/requirements`);
  };

  return (
    <main className="page" id="main">
      <h1>Your agents</h1>
      <section className="card" aria-labelledby="new-agent">
        <h2 id="new-agent">Start a new agent</h2>
        <form onSubmit={submit} className="stack">
          <label>
            Name
            <input
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              placeholder="Refund helper"
              maxLength={200}
            />
          </label>
          <label>
            What should it do?
            <textarea
              value={useCase}
              onChange={(e) => setUseCase(e.target.value)}
              rows={3}
              placeholder="Answer refund questions from our policies and calculate refund totals."
            />
          </label>
          <div>
            <button type="submit" className="primary" disabled={creating.isLoading}>
              {creating.isLoading ? 'Creating…' : 'Create agent'}
            </button>
          </div>
          <ProblemMessage error={creating.error} />
        </form>
      </section>
      <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Sessions</h2>
        {sessions.isLoading && <Loading label="Loading your sessions" />}
        {sessions.error && <ProblemMessage error={sessions.error} onRetry={() => sessions.refetch()} />}
        {sessions.data && sessions.data.sessions.length === 0 && (
          <p className="empty">No agents yet. Describe one above to start.</p>
        )}
        {sessions.data && sessions.data.sessions.length > 0 && (
          <ul className="session-list">
            {sessions.data.sessions.map((s) => (
              <li key={s.id}>
                <Link to={`/sessions/${s.id}`} className="session-link">
                  <span className="session-title">{s.title}</span>
                  <span className="badge">{PHASE_LABELS[s.phase]}</span>
                  <time dateTime={s.updatedAt} className="muted">
                    {new Date(s.updatedAt).toLocaleString()}
                  </time>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
