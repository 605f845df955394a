import { lazy, Suspense, useState } from 'react';
import { useFeatures } from '../features.ts';
import type { Session } from '../types.ts';
import { Loading } from './ProblemMessage.tsx';
import { TestRunner } from './TestRunner.tsx';

const EvaluationsPanel = lazy(() => import('./EvaluationsPanel.tsx'));

/** The Testing tab: single runs, or the agent's evaluation suite. */
export function TestingTab({ session }: { session: Session }) {
  const [view, setView] = useState<'runs' | 'evaluations'>('runs');
  const has = useFeatures();
  // Evaluations behind their flag: hidden when the platform says they are off for this builder.
  if (!has('evaluations')) return <TestRunner session={session} />;
  return (
    <div className="stack">
      <fieldset className="segmented">
        <legend className="sr-only">Testing view</legend>
        <button type="button" aria-pressed={view === 'runs'} onClick={() => setView('runs')}>
          Test runs
        </button>
        <button type="button" aria-pressed={view === 'evaluations'} onClick={() => setView('evaluations')}>
          Evaluations
        </button>
      </fieldset>
      {view === 'runs' ? (
        <TestRunner session={session} />
      ) : (
        <Suspense fallback={<Loading label="Loading evaluations" />}>
          <EvaluationsPanel session={session} />
        </Suspense>
      )}
    </div>
  );
}
