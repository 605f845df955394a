import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderAt } from '../test/harness.tsx';
import type { Answer } from '../types.ts';
import { DeployToAccount } from './DeployToAccount.tsx';

type Deployment = Answer<'getDeployment'>;
const at = (s: number) => `2026-01-01T00:00:${String(s).padStart(2, '0')}Z`;
function deployment(phases: Deployment['phase'][], extra: Partial<Deployment> = {}): Deployment {
  return {
    id: 'd1',
    sessionId: 's1',
    generationId: 'g2',
    version: 2,
    target: 'lambda',
    region: 'eu-west-1',
    stackName: 'agentbuilder-refund-helper-s1-lambda',
    update: false,
    phase: phases.at(-1) ?? 'queued',
    outputs: {},
    phases: phases.map((phase, i) => ({ phase, at: at(i) })),
    createdAt: at(0),
    updatedAt: at(phases.length),
    ...extra,
  };
}

const render = () => renderAt(<DeployToAccount sessionId="s1" generationId="g2" target="lambda" name="v2" />);

describe('DeployToAccount', () => {
  it('says plainly why it is not offered, with no button, where the platform is not in AWS', async () => {
    fakeApi([
      {
        path: /\/deployments$/,
        body: {
          available: false,
          unavailable: {
            reason: 'not-in-aws',
            message: 'Deploying from the platform needs the platform running in your AWS account.',
          },
          deployments: [],
        },
      },
    ]);
    render();
    expect(await screen.findByTestId('deploy-to-account')).toHaveTextContent(
      'not offered here. Deploying from the platform needs the platform running in your AWS account.',
    );
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('starts a deployment and follows its phases until the endpoint is recorded', async () => {
    const answers = [
      deployment(['queued', 'building-image']),
      deployment(['queued', 'building-image', 'pushing', 'deploying-stack', 'complete'], {
        endpoint: 'https://abc.lambda-url.eu-west-1.on.aws/',
        outputs: { FunctionUrl: 'https://abc.lambda-url.eu-west-1.on.aws/' },
      }),
    ];
    let polled = 0;
    const { calls } = fakeApi([
      { path: /\/deployments$/, body: { available: true, deployments: [] } },
      { method: 'POST', path: /\/deployments$/, status: 202, body: deployment(['queued']) },
      {
        path: /\/deployments\/lambda$/,
        body: () => answers[Math.min(polled++, answers.length - 1)] as Deployment,
      },
    ]);
    render();
    await userEvent.click(await screen.findByRole('button', { name: 'Deploy v2 to this account' }));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ generationId: 'g2' });
    expect(await screen.findByText(/Building the function package in CodeBuild/)).toBeInTheDocument();
    await waitFor(
      () => expect(screen.getByTestId('deployment-endpoint')).toHaveTextContent('https://abc.lambda-url'),
      {
        timeout: 8_000,
      },
    );
    expect(screen.getByRole('button', { name: 'Deploy v2 again' })).toBeEnabled();
    // Once it has ended, it is not read again.
    const reads = polled;
    await new Promise((r) => setTimeout(r, 3_500));
    expect(polled).toBe(reads);
  }, 20_000);

  it('shows why a deployment failed, at the phase it failed', async () => {
    const failed = deployment(['queued', 'building-image', 'failed'], {
      reason: 'the image build failed in CodeBuild (BUILD phase): docker build exited 1',
    });
    fakeApi([
      { path: /\/deployments$/, body: { available: true, deployments: [failed] } },
      { path: /\/deployments\/lambda$/, body: failed },
    ]);
    render();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The deployment failed: the image build failed in CodeBuild (BUILD phase): docker build exited 1',
    );
    expect(screen.getByText(/Building the function package in CodeBuild/).closest('li')).toHaveAttribute(
      'data-state',
      'failed',
    );
  });

  it('shows the API’s refusal when the flag is off for this builder', async () => {
    fakeApi([
      { path: /\/deployments$/, body: { available: true, deployments: [] } },
      {
        method: 'POST',
        path: /\/deployments$/,
        status: 403,
        body: {
          type: 'feature-not-enabled',
          title: 'This capability is not enabled for you',
          status: 403,
          detail: 'Deploy to account is not enabled for your account yet.',
        },
      },
    ]);
    render();
    await userEvent.click(await screen.findByRole('button', { name: 'Deploy v2 to this account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Deploy to account is not enabled for your account yet.',
    );
  });
});
