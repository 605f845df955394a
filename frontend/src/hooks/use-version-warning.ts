import { useHistoryQuery } from '../api.ts';
import type { Session } from '../types.ts';

/**
 * Whether the session's latest version is fit to go on with: a sentence when it was never built and
 * test-run, or its last test run (build included) did not succeed; undefined when it passed. The
 * Deployment tab and the header's Continue both ask the builder before going on with such a version.
 */
export function useVersionWarning(
  session: Pick<Session, 'id' | 'generationIds'> | undefined,
  name: string,
  { skip = false }: { skip?: boolean } = {},
): { warning?: string; isLoading: boolean } {
  const latestId = session?.generationIds.at(-1);
  const history = useHistoryQuery(
    { sessionId: session?.id ?? '', limit: 100 },
    { skip: skip || !session || !latestId },
  );
  if (skip || !latestId) return { isLoading: false };
  if (history.isLoading) return { isLoading: true };
  const last = (history.data?.runs ?? []).find((r) => r.generationId === latestId);
  const warning = !last
    ? `${name} was never built and test-run.`
    : last.status !== 'succeeded'
      ? `The last test run of ${name} did not succeed (${last.status.replace('_', ' ')}).`
      : undefined;
  return { isLoading: false, ...(warning ? { warning } : {}) };
}
