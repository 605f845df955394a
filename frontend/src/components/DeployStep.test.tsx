import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi, makeSession, renderAt } from '../test/harness.tsx';
import type { Answer } from '../types.ts';
import { DeployStep } from './DeployStep.tsx';

const plan: Answer<'deployPlan'> = {
  generationId: 'g2',
  version: 2,
  target: 'agentcore',
  region: 'eu-west-1',
  architecture: 'arm64',
  checklist: [
    {
      id: 'aws-cli',
      label: 'AWS CLI v2 and jq',
      detail: 'The scripts call them.',
      check: 'aws --version && jq --version',
    },
    { id: 'image-build', label: 'Docker with buildx (linux/arm64), or CodeBuild', detail: 'ARM64 image.' },
  ],
  steps: [
    {
      title: 'Build and push the image',
      command: 'deploy/build-and-push.sh',
      file: 'deploy/build-and-push.sh',
    },
    {
      title: 'Deploy',
      command: 'deploy/agentcore/deploy.sh --skip-build',
      file: 'deploy/agentcore/deploy.sh',
    },
  ],
  invoke: { title: 'Invoke it', command: 'deploy/agentcore/invoke.sh "Hello! What can you do?"' },
  teardown: { title: 'Tear it down', command: 'deploy/agentcore/destroy.sh' },
  monthlyUsd: 12.5,
  iam: [
    {
      sid: 'InvokeModel',
      actions: ['bedrock:InvokeModel'],
      resources: ['arn:aws:bedrock:eu-west-1::foundation-model/x'],
    },
  ],
};

const run = (status: string) => ({
  id: `r-${status}`,
  buildId: 'b1',
  generationId: 'g2',
  sessionId: 's1',
  input: 'hi',
  status,
  expiresAt: '2026-01-01T00:00:00Z',
  createdAt: '2026-01-01T00:00:00Z',
});

const LOCAL = {
  available: false,
  unavailable: {
    reason: 'not-in-aws',
    message:
      'Deploying from the platform needs the platform running in your AWS account with the deploy-to-account feature on; run the commands below instead.',
  },
  deployments: [],
};

function api(runs: unknown[], deployments: unknown = LOCAL) {
  return fakeApi([
    { path: /\/deploy-plan$/, body: plan },
    { path: /^\/api\/sessions\/[^/]+\/deployments$/, body: deployments },
    { path: /^\/api\/testing\/history$/, body: { runs } },
    { path: /\/versions$/, body: { versions: [], current: { upToDate: true, changes: [] } } },
  ]);
}

describe('DeployStep', () => {
  it('warns that the version was never test-run, and shows the commands only after the builder goes on', async () => {
    api([]);
    renderAt(<DeployStep session={makeSession({ phase: 'DEPLOYMENT', generationIds: ['g1', 'g2'] })} />);
    expect(await screen.findByRole('alertdialog')).toHaveTextContent('v2 was never built and test-run.');
    expect(screen.queryByText('deploy/agentcore/deploy.sh --skip-build')).not.toBeInTheDocument();
    expect(screen.getByText('AWS CLI v2 and jq')).toBeInTheDocument();
    expect(screen.getByTestId('deploy-monthly')).toHaveTextContent('$12.50');
    expect(screen.getByText('bedrock:InvokeModel')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Go on to the deploy commands' }));
    expect(screen.getByText('deploy/agentcore/deploy.sh --skip-build')).toBeInTheDocument();
    expect(screen.getByText('deploy/agentcore/destroy.sh')).toBeInTheDocument();
  });

  it('says when the last test run failed', async () => {
    api([run('build_failed')]);
    renderAt(<DeployStep session={makeSession({ phase: 'DEPLOYMENT', generationIds: ['g2'] })} />);
    expect(await screen.findByRole('alertdialog')).toHaveTextContent(
      'The last test run of v2 did not succeed (build failed).',
    );
  });

  it('shows the commands at once after a passing test run, each with a copy button', async () => {
    api([run('succeeded')]);
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderAt(<DeployStep session={makeSession({ phase: 'DEPLOYMENT', generationIds: ['g2'] })} />);
    await screen.findByText('deploy/build-and-push.sh');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Copy: Deploy' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('deploy/agentcore/deploy.sh --skip-build'));
    expect(await screen.findByTestId('deploy-to-account')).toHaveTextContent(
      'Deploying from the platform needs the platform running in your AWS account',
    );
    expect(screen.queryByRole('button', { name: /to this account/ })).not.toBeInTheDocument();
  });
});
