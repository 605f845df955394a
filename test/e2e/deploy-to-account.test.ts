import { join } from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '../../lambdas/local/platform.ts';
import { apiOf, launchChromium, SHOTS, startWebPlatform } from './browser.ts';

// "Deploy to this account" in Chromium. The local platform cannot deploy (no account), and its own
// answer is checked first; then the deployment routes are answered as the platform in AWS would
// answer them (a test double at the HTTP edge: queued, building, pushing, deploying, complete), to see
// what a builder sees at 390 and 1366 px. Screenshots: test-artifacts/e2e/deploy-account-*.png.
let platform: RunningPlatform;
let browser: Browser;

beforeAll(async () => {
  platform = await startWebPlatform();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

const api = apiOf(() => platform);

/** A session at the Deployment phase with a generated version that was never tested. */
async function deployableSession() {
  let session = await api('POST', '/api/sessions', {
    title: 'Deployed agent',
    answers: { useCase: 'Calculate refund totals with the calculator. Serverless.' },
  });
  for (let i = 0; i < 3; i++)
    session = (await api('POST', `/api/sessions/${session.id}/advance`, { version: session.version }))
      .session;
  const generation = await api('POST', '/api/code-generation/generate', { sessionId: session.id });
  expect(generation.status).toBe('SUCCEEDED');
  session = await api('GET', `/api/sessions/${session.id}`);
  for (let i = 0; i < 2; i++)
    session = (await api('POST', `/api/sessions/${session.id}/advance`, { version: session.version }))
      .session;
  expect(session.phase).toBe('DEPLOYMENT');
  return { session, generationId: generation.id as string, version: generation.version as number };
}

async function fits(page: Page, where: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${where}: horizontal overflow`).toBeLessThanOrEqual(0);
}

describe('Deploy to this account', () => {
  it('is refused by the local platform, which says why', async () => {
    const { session, generationId } = await deployableSession();
    expect(await api('GET', `/api/sessions/${session.id}/deployments`)).toMatchObject({
      available: false,
      unavailable: { reason: 'not-in-aws' },
    });
    expect(await api('POST', `/api/sessions/${session.id}/deployments`, { generationId })).toMatchObject({
      status: 409,
      type: 'deploy-unavailable',
    });
  }, 120_000);

  for (const width of [390, 1366]) {
    it(`follows a deployment to its endpoint at ${width} px (AWS answers simulated)`, async () => {
      const { session, generationId, version } = await deployableSession();
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const base = {
        id: 'd1',
        sessionId: session.id,
        generationId,
        version,
        target: 'lambda',
        region: 'us-east-1',
        stackName: 'agentbuilder-deployed-agent-12345678-lambda',
        update: false,
        outputs: {},
        createdAt: '2026-01-01T00:00:00Z',
      };
      const order = ['queued', 'building-image', 'pushing', 'deploying-stack', 'complete'] as const;
      let step = 0;
      const deployment = (upTo: number) => ({
        ...base,
        phase: order[upTo],
        phases: order.slice(0, upTo + 1).map((phase, i) => ({ phase, at: `2026-01-01T00:0${i}:00Z` })),
        updatedAt: `2026-01-01T00:0${upTo}:00Z`,
        ...(order[upTo] === 'complete'
          ? {
              endpoint: 'https://abc123.lambda-url.us-east-1.on.aws/',
              outputs: { FunctionUrl: 'https://abc123.lambda-url.us-east-1.on.aws/' },
            }
          : {}),
      });
      const json = (route: Route, status: number, body: unknown) =>
        route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
      let posted: unknown;
      await page.route(/\/api\/sessions\/[^/]+\/deployments(\/lambda)?$/, (route) => {
        const request = route.request();
        if (request.method() === 'POST') {
          posted = request.postDataJSON();
          return json(route, 202, deployment(0));
        }
        if (request.url().endsWith('/lambda')) return json(route, 200, deployment(Math.min(++step, 4)));
        return json(route, 200, { available: true, deployments: [] });
      });
      try {
        await page.goto(`${platform.url}/sessions/${session.id}/deploy`);
        // The version was never tested: the tab asks first, then offers the button.
        await page.getByRole('button', { name: 'Go on to the deploy commands' }).click();
        await page.getByRole('button', { name: `Deploy v${version} to this account` }).click();
        await page.getByText(/Building the function package in CodeBuild/).waitFor();
        await page.getByTestId('deployment-endpoint').waitFor({ timeout: 30_000 });
        expect(posted).toEqual({ generationId });
        expect(await page.getByTestId('deployment-endpoint').textContent()).toBe(
          'https://abc123.lambda-url.us-east-1.on.aws/',
        );
        await page.getByRole('button', { name: `Deploy v${version} again` }).waitFor();
        await page
          .getByTestId('deploy-to-account')
          .screenshot({ path: join(SHOTS, `deploy-account-${width}.png`) });
        await fits(page, 'deploy to this account');
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    }, 180_000);
  }
});
