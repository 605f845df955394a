import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import {
  useCreateSessionMutation,
  useDeleteSessionMutation,
  useDuplicateSessionMutation,
  useListSessionsQuery,
  useUpdateSessionMutation,
} from '../api.ts';
import { Loading, ProblemMessage } from '../components/ProblemMessage.tsx';
import { PHASE_LABELS } from '../phases.ts';
import type { Answer } from '../types.ts';

type SessionItem = Answer<'listSessions'>['sessions'][number];

/** Sessions: every agent the builder has started, newest first; start a new one, resume or manage one. */
export function SessionsPage() {
  const sessions = useListSessionsQuery();
  const [create, creating] = useCreateSessionMutation();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [useCase, setUseCase] = useState('');
  const [missing, setMissing] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // The platform refuses an agent with neither; say so here, beside the fields, before asking it.
    if (!title.trim() && !useCase.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
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
        <form onSubmit={submit} className="stack" noValidate>
          <label>
            Name
            <input
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              placeholder="Refund helper"
              maxLength={200}
              aria-describedby={missing ? 'new-agent-missing' : undefined}
              aria-invalid={missing || undefined}
            />
          </label>
          <label>
            What should it do?
            <textarea
              value={useCase}
              onChange={(e) => setUseCase(e.target.value)}
              rows={3}
              placeholder="Answer refund questions from our policies and calculate refund totals."
              aria-describedby={missing ? 'new-agent-missing' : undefined}
              aria-invalid={missing || undefined}
            />
          </label>
          {missing && (
            <p className="field-error" id="new-agent-missing" role="alert">
              Give the agent a name or say what it should do (or both).
            </p>
          )}
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
              <SessionRow key={s.id} session={s} />
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}

const when = (iso: string) => new Date(iso).toLocaleString();

/** One agent: what it is and where it stands, and what can be done with it (rename, duplicate, delete). */
function SessionRow({ session: s }: { session: SessionItem }) {
  const navigate = useNavigate();
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const [name, setName] = useState(s.title);
  const [rename, renaming] = useUpdateSessionMutation();
  const [duplicate, duplicating] = useDuplicateSessionMutation();
  const [remove, removing] = useDeleteSessionMutation();

  const saveName = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    const result = await rename({ id: s.id, version: s.version, title: name.trim() });
    if ('data' in result) setMode('view');
  };
  const copy = async () => {
    const result = await duplicate({ id: s.id });
    if ('data' in result && result.data) navigate(`/sessions/${result.data.id}`);
  };

  return (
    <li className="session-item">
      <Link to={`/sessions/${s.id}`} className="session-link">
        <span className="session-title">{s.title}</span>
        <span className="badge">{PHASE_LABELS[s.phase]}</span>
        <time dateTime={s.updatedAt} className="muted">
          {when(s.updatedAt)}
        </time>
      </Link>
      <dl className="session-facts">
        <div>
          <dt>Model</dt>
          <dd>{s.model ?? 'not chosen yet'}</dd>
        </div>
        <div>
          <dt>Last generation</dt>
          <dd>
            {s.lastGeneration
              ? `${s.lastGeneration.status === 'SUCCEEDED' ? 'generated' : 'failed'} ${when(s.lastGeneration.createdAt)}`
              : 'none yet'}
          </dd>
        </div>
        <div>
          <dt>Last test</dt>
          <dd>
            {s.lastTest ? (
              <>
                <span className={`badge ${s.lastTest.status}`}>{s.lastTest.status.replace('_', ' ')}</span>{' '}
                {when(s.lastTest.createdAt)}
              </>
            ) : (
              'none yet'
            )}
          </dd>
        </div>
      </dl>
      {mode === 'view' && (
        <div className="row session-actions">
          <button type="button" onClick={() => setMode('rename')} aria-label={`Rename ${s.title}`}>
            Rename
          </button>
          <button
            type="button"
            onClick={copy}
            disabled={duplicating.isLoading}
            aria-label={`Duplicate ${s.title}`}
          >
            {duplicating.isLoading ? 'Duplicating…' : 'Duplicate'}
          </button>
          <button type="button" onClick={() => setMode('delete')} aria-label={`Delete ${s.title}`}>
            Delete
          </button>
        </div>
      )}
      {mode === 'rename' && (
        <form className="row session-actions" onSubmit={saveName}>
          <label>
            New name
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />
          </label>
          <button type="submit" className="primary" disabled={renaming.isLoading || !name.trim()}>
            Save name
          </button>
          <button type="button" onClick={() => setMode('view')}>
            Cancel
          </button>
        </form>
      )}
      {mode === 'delete' && (
        <div className="confirm" role="alertdialog" aria-labelledby={`delete-${s.id}`}>
          <p id={`delete-${s.id}`}>
            Delete <strong>{s.title}</strong>? Its generated code, builds and test runs are deleted too. This
            cannot be undone.
          </p>
          <div className="row">
            <button
              type="button"
              className="danger"
              onClick={() => remove(s.id)}
              disabled={removing.isLoading}
            >
              {removing.isLoading ? 'Deleting…' : 'Delete for good'}
            </button>
            <button type="button" onClick={() => setMode('view')}>
              Keep it
            </button>
          </div>
        </div>
      )}
      <ProblemMessage error={renaming.error ?? duplicating.error ?? removing.error} />
    </li>
  );
}
