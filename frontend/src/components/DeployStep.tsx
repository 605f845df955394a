import { useState } from 'react';
import { useDeployPlanQuery, useListVersionsQuery } from '../api.ts';
import { usd } from '../hooks/use-session-costs.ts';
import { useVersionWarning } from '../hooks/use-version-warning.ts';
import type { Session } from '../types.ts';
import { DeployToAccount } from './DeployToAccount.tsx';
import { Loading, ProblemMessage } from './ProblemMessage.tsx';

/** A command to run from the project's root, with a button that copies it. */
function CommandLine({ command, label }: { command: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="command">
      <code>{command}</code>
      <button
        type="button"
        aria-label={`Copy: ${label}`}
        onClick={async () => {
          await navigator.clipboard.writeText(command);
          setCopied(true);
          setTimeout(() => setCopied(false), 1_500);
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}

/**
 * The deploy step of the latest version: what to have, what to run, what it costs and may do, how to
 * invoke and tear it down. A version that was never test-run, or whose last run failed, is said so
 * first, and the commands wait for the builder to go on anyway.
 */
export function DeployStep({ session }: { session: Session }) {
  const latestId = session.generationIds.at(-1);
  const versions = useListVersionsQuery(session.id, { skip: !latestId });
  const plan = useDeployPlanQuery(latestId ?? '', { skip: !latestId });
  const [goOn, setGoOn] = useState(false);
  const name = plan.data?.version ? `v${plan.data.version}` : 'this version';
  const readiness = useVersionWarning(session, name);

  if (!latestId) return <p className="empty">Generate the project first: the deploy step is read from it.</p>;
  if (plan.isLoading || readiness.isLoading) return <Loading label="Reading the deploy step" />;
  if (plan.error || !plan.data) return <ProblemMessage error={plan.error} onRetry={() => plan.refetch()} />;
  const p = plan.data;
  const { warning } = readiness;
  const outdated = versions.data && !versions.data.current.upToDate;

  return (
    <div className="stack deploy-step">
      <p>
        Deploying <strong>{name}</strong> to <strong>{p.target}</strong> in <strong>{p.region}</strong> (
        {p.architecture}).
        {p.monthlyUsd !== undefined && (
          <>
            {' '}
            Estimated cost: <strong data-testid="deploy-monthly">{usd(p.monthlyUsd)}</strong>/month.
          </>
        )}
      </p>
      {outdated && (
        <p className="warning" role="status">
          The spec changed since {name}: regenerate in the Code tab to deploy what you chose.
        </p>
      )}
      {warning && !goOn && (
        <div className="confirm" role="alertdialog" aria-labelledby="deploy-warning">
          <p id="deploy-warning">
            <strong>{warning}</strong> Test it in the Testing tab first, or go on knowing it may not work.
          </p>
          <button type="button" onClick={() => setGoOn(true)}>
            Go on to the deploy commands
          </button>
        </div>
      )}
      <DeployToAccount
        sessionId={session.id}
        generationId={latestId}
        target={p.target}
        name={name}
        held={Boolean(warning) && !goOn}
      />
      <section className="card" aria-labelledby="checklist-heading">
        <h2 id="checklist-heading">Before you deploy</h2>
        <ul className="checklist">
          {p.checklist.map((item) => (
            <li key={item.id}>
              <label>
                <input type="checkbox" /> <strong>{item.label}</strong>
              </label>
              <p className="muted">{item.detail}</p>
              {item.check && <CommandLine command={item.check} label={`check ${item.label}`} />}
            </li>
          ))}
        </ul>
      </section>
      {(!warning || goOn) && (
        <section className="card" aria-labelledby="commands-heading">
          <h2 id="commands-heading">Deploy, from the project’s folder</h2>
          <ol className="deploy-commands">
            {[...p.steps, p.invoke, p.teardown].map((step) => (
              <li key={step.command}>
                <strong>{step.title}</strong>
                <CommandLine command={step.command} label={step.title} />
                {step.note && <p className="muted">{step.note}</p>}
              </li>
            ))}
          </ol>
          <p className="muted">
            Settings for every script are in deploy/config.env; the scripts are safe to run again.
          </p>
        </section>
      )}
      <section className="card" aria-labelledby="iam-heading">
        <h2 id="iam-heading">What the agent may do (its IAM role)</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Statement</th>
                <th scope="col">Actions</th>
                <th scope="col">On</th>
              </tr>
            </thead>
            <tbody>
              {p.iam.map((s) => (
                <tr key={s.sid}>
                  <th scope="row">{s.sid}</th>
                  <td>
                    <code>{s.actions.join(', ')}</code>
                  </td>
                  <td>
                    {s.resources.join(', ')}
                    {s.why && <span className="muted"> ({s.why})</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
