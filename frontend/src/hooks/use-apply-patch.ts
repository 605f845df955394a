import { useUpdateSessionMutation } from '../api.ts';
import type { Session, SpecPatch } from '../types.ts';

/**
 * Applies a suggestion's patch (a cost optimisation, a compatibility fix) to the session's selections
 * as the platform sent it: one shape for every suggestion, so no client has keys of its own to map.
 */
export function useApplyPatch(session: Session) {
  const [update, state] = useUpdateSessionMutation();
  const apply = (patch: SpecPatch) => update({ id: session.id, version: session.version, selections: patch });
  return [apply, state] as const;
}
