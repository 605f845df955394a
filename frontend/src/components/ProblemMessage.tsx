import { problemOf } from '../api.ts';
import type { Problem } from '../types.ts';

/** What to do next, per problem type: the app switches on `type`, never on message text. */
const NEXT_STEP: Record<string, string> = {
  'validation-error': 'Fix the fields listed and try again.',
  'out-of-range': 'Change the numbers listed to a value within their bounds.',
  'not-found': 'It may have been removed, or belong to another account. Go back to your sessions.',
  conflict:
    'Someone (or another tab) changed this first. Reload to see the latest, then apply your change again.',
  unauthorized: 'Sign in again.',
  forbidden: 'Your account cannot do this.',
  'rate-limited': 'Wait a little and try again.',
  'upstream-error': 'A service the platform depends on failed; try again shortly.',
  'internal-error': 'Try again; if it keeps failing, quote the trace id.',
  'network-error': 'Check that the platform is running, then retry.',
};

/** An API problem (problem+json) as the builder reads it: what went wrong, each field, what to do. */
export function ProblemMessage({
  error,
  problem,
  onRetry,
}: {
  error?: unknown;
  problem?: Problem;
  onRetry?: () => void;
}) {
  const p = problem ?? problemOf(error);
  if (!p) return null;
  return (
    <div className="problem" role="alert">
      <strong>{p.title}</strong>
      <p>{p.detail}</p>
      {p.errors && p.errors.length > 0 && (
        <ul>
          {p.errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
      <p className="next-step">{NEXT_STEP[p.type] ?? 'Try again.'}</p>
      {p.traceId && <p className="muted">Trace id: {p.traceId}</p>}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}…
    </p>
  );
}
