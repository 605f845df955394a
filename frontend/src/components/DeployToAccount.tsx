import { api, useGetDeploymentQuery, useListDeploymentsQuery, useStartDeploymentMutation } from '../api.ts';
import type { Answer, Target } from '../types.ts';
import { Loading, ProblemMessage } from './ProblemMessage.tsx';

type Deployment = Answer<'getDeployment'>;
type Phase = Deployment['phase'];

/** The phases a deployment goes through, in the words of its target (an image, or a Lambda package). */
const stepsOf = (target: Target): { phase: Phase; label: string }[] => [
  { phase: 'queued', label: 'Queued' },
  {
    phase: 'building-image',
    label:
      target === 'lambda' ? 'Building the function package in CodeBuild' : 'Building the image in CodeBuild',
  },
  { phase: 'pushing', label: target === 'lambda' ? 'Uploading it' : 'Pushing it to ECR' },
  { phase: 'deploying-stack', label: 'Creating or updating the CloudFormation stack' },
  { phase: 'complete', label: 'Deployed' },
];
const finished = (d: Deployment | undefined) => d?.phase === 'complete' || d?.phase === 'failed';

/** Where one deployment is: each phase done, going or to come; the failure's reason; the endpoint. */
function Progress({ deployment }: { deployment: Deployment }) {
  const STEPS = stepsOf(deployment.target);
  const reached = new Set(deployment.phases.map((p) => p.phase));
  const at = STEPS.findIndex((s) => s.phase === deployment.phase);
  const lastReached = deployment.phase === 'failed' ? deployment.phases.at(-2)?.phase : deployment.phase;
  return (
    <div className="stack" data-testid="deployment-progress">
      <ol className="deploy-phases" aria-label="Deployment progress">
        {STEPS.map((step, index) => {
          const state =
            deployment.phase === 'failed'
              ? step.phase === lastReached
                ? 'failed'
                : reached.has(step.phase)
                  ? 'done'
                  : 'pending'
              : index < at || deployment.phase === 'complete'
                ? 'done'
                : index === at
                  ? 'current'
                  : 'pending';
          return (
            <li key={step.phase} data-state={state} aria-current={state === 'current' ? 'step' : undefined}>
              {step.label}
              {state === 'current' && ' …'}
              {state === 'failed' && ' (failed)'}
            </li>
          );
        })}
      </ol>
      {deployment.phase === 'failed' && (
        <p className="problem" role="alert">
          <strong>The deployment failed:</strong> {deployment.reason ?? 'no reason was recorded'}
        </p>
      )}
      {deployment.phase === 'complete' && (
        <p role="status">
          Deployed{deployment.version ? ` v${deployment.version}` : ''} as stack{' '}
          <code>{deployment.stackName}</code>
          {deployment.endpoint && (
            <>
              ; endpoint <code data-testid="deployment-endpoint">{deployment.endpoint}</code>
            </>
          )}
          .
        </p>
      )}
    </div>
  );
}

/**
 * "Deploy to this account": offered only where the platform runs in an AWS account with the
 * deploy-to-account feature on for this builder; elsewhere it says plainly why, and the commands
 * above are the way. Progress is read again every few seconds until the deployment ends.
 */
export function DeployToAccount({
  sessionId,
  generationId,
  target,
  name,
  held = false,
}: {
  sessionId: string;
  generationId: string;
  target: Target;
  name: string;
  /** The builder has not yet chosen to go on with a version that was never tested or failed its test. */
  held?: boolean;
}) {
  const list = useListDeploymentsQuery(sessionId);
  const [start, started] = useStartDeploymentMutation();
  const listed = list.data?.deployments.find((d) => d.target === target);
  const known = started.data ?? listed;
  const args = { id: sessionId, target };
  // What the last poll read (if any) decides whether to poll again: the newest of what was read.
  const polled = api.endpoints.getDeployment.useQueryState(args, { skip: !known });
  const newest = [polled.data, started.data, listed]
    .filter((d): d is Deployment => d !== undefined)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  const going = newest !== undefined && !finished(newest);
  const live = useGetDeploymentQuery(args, { skip: !known, pollingInterval: going ? 3_000 : 0 });
  const current = live.data && newest && live.data.updatedAt >= newest.updatedAt ? live.data : newest;
  if (list.isLoading) return <Loading label="Asking whether the platform can deploy it" />;
  if (list.error || !list.data) return <ProblemMessage error={list.error} onRetry={() => list.refetch()} />;
  if (!list.data.available)
    return (
      <p className="muted" data-testid="deploy-to-account">
        Deploy to this account is not offered here. {list.data.unavailable?.message}
      </p>
    );
  return (
    <section className="card" aria-labelledby="deploy-account-heading" data-testid="deploy-to-account">
      <h2 id="deploy-account-heading">Deploy to this account</h2>
      <p className="muted">
        {target === 'lambda'
          ? 'The platform builds the function package in CodeBuild, uploads it'
          : 'The platform builds the image (ARM64) in CodeBuild, pushes it to ECR'}{' '}
        and creates or updates this agent’s CloudFormation stack in the account it runs in. Deploying again
        updates the same stack.
      </p>
      {held ? (
        <p className="muted">Test it in the Testing tab first, or go on above, to deploy it from here.</p>
      ) : (
        <div>
          <button
            type="button"
            disabled={started.isLoading || (current !== undefined && !finished(current))}
            onClick={() => start({ id: sessionId, generationId })}
          >
            {current ? `Deploy ${name} again` : `Deploy ${name} to this account`}
          </button>
        </div>
      )}
      {started.error && <ProblemMessage error={started.error} />}
      {current && <Progress deployment={current} />}
    </section>
  );
}
