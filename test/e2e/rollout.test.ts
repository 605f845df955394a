import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '../../lambdas/local/platform.ts';
import { apiOf, launchChromium, SHOTS, startWebPlatform } from './browser.ts';

// The rollout as a builder sees it: a generator target switched off for them is not offered, and a
// generated project can be rated. Screenshots at 1366 and 390 px go to test-artifacts/e2e/rollout-*.
let platform: RunningPlatform;
let browser: Browser;
let page: Page;
let dir = '';

const api = apiOf(() => platform);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rollout-e2e-'));
  // The local developer is denied the Lambda target.
  writeFileSync(
    join(dir, 'flags.json'),
    JSON.stringify({
      values: { 'target-lambda': { enabled: true, percentage: 100, deny: ['local-developer'] } },
    }),
  );
  platform = await startWebPlatform({ flagsFile: join(dir, 'flags.json') });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('rollout in the web app', () => {
  it('offers only the targets the builder has, and takes a thumbs up on a generated project', async () => {
    let session = await api('POST', '/api/sessions', {
      title: 'Rollout',
      answers: { useCase: 'Answer refund questions and calculate totals', requestsPerMonth: 2000 },
      selections: {
        name: 'Refund helper',
        language: 'typescript',
        model: 'amazon.nova-lite-v1:0',
        systemPrompt: 'You answer refund questions briefly.',
        tools: ['calculator'],
        deployment: { target: 'agentcore' },
      },
    });
    await page.goto(`${platform.url}/sessions/${session.id}/requirements`);
    const target = page.getByLabel('Where it runs', { exact: true });
    await target.waitFor();
    await expect
      .poll(() => target.locator('option').allTextContents())
      .toEqual(['Bedrock AgentCore Runtime', 'ECS Fargate']);
    await page.screenshot({ path: join(SHOTS, 'rollout-targets-1366.png'), fullPage: true });

    for (let i = 0; i < 3; i++)
      session = (await api('POST', `/api/sessions/${session.id}/advance`, { version: session.version }))
        .session;
    expect(session.generationIds).toHaveLength(1);
    await page.goto(`${platform.url}/sessions/${session.id}/code`);
    await page.getByRole('button', { name: 'Thumbs up' }).click();
    await page.getByLabel('Comment (optional)').fill('Clear project, ready to deploy.');
    await page.screenshot({ path: join(SHOTS, 'rollout-feedback-1366.png'), fullPage: true });
    await page.getByRole('button', { name: 'Send feedback' }).click();
    await page.getByText('Thanks, your feedback is recorded.').waitFor();

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByRole('button', { name: 'Thumbs down' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'rollout-feedback-390.png'), fullPage: true });
  }, 300_000);
});
