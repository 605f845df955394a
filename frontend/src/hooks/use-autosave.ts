import { useEffect, useRef, useState } from 'react';
import { useUpdateSessionMutation } from '../api.ts';
import type { BodyOf, Session } from '../types.ts';

type Update = Omit<BodyOf<'updateSession'>, 'version'>;

/**
 * Saves the builder's edits as they go: each change is merged into one pending update and sent shortly
 * after they stop typing, when they leave the tab, or before the page unloads (with the browser's
 * warning while a save is still pending), so nothing typed is silently lost.
 */
export function useAutosave(session: Session) {
  const [update, state] = useUpdateSessionMutation();
  const latest = useRef(session);
  latest.current = session;
  const pending = useRef<Update | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [unsaved, setUnsaved] = useState(false);

  const flush = async () => {
    clearTimeout(timer.current);
    const change = pending.current;
    pending.current = undefined;
    if (!change) return;
    const s = latest.current;
    const result = await update({ id: s.id, version: s.version, ...change });
    if (!pending.current) setUnsaved('error' in result);
  };
  const save = (change: Update, delay = 700) => {
    const before = pending.current ?? {};
    pending.current = {
      ...before,
      ...change,
      ...(before.answers || change.answers ? { answers: { ...before.answers, ...change.answers } } : {}),
      ...(before.selections || change.selections
        ? {
            selections: {
              ...before.selections,
              ...change.selections,
              ...(before.selections?.deployment || change.selections?.deployment
                ? { deployment: { ...before.selections?.deployment, ...change.selections?.deployment } }
                : {}),
              ...(before.selections?.usage || change.selections?.usage
                ? { usage: { ...before.selections?.usage, ...change.selections?.usage } }
                : {}),
            },
          }
        : {}),
    };
    setUnsaved(true);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), delay);
  };
  const flushOnLeave = useRef(flush);
  flushOnLeave.current = flush;
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (pending.current) event.preventDefault();
    };
    addEventListener('beforeunload', warn);
    return () => {
      removeEventListener('beforeunload', warn);
      void flushOnLeave.current();
    };
  }, []);
  return { save, flush, unsaved, state };
}
