import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '../../lambdas/local/platform.ts';
import { apiOf, launchChromium, SHOTS, startWebPlatform } from './browser.ts';

// The Testing tab as a chat playground, in Debian's Chromium against the local platform with an empty
// dependency cache (the first build installs everything): build with its progress view, then a
// three-turn conversation with a warm agent, a tool call shown with its arguments, each answer's cost
// and trace; the page never sees a 500. Screenshots at 1366 and 390 px go to test-artifacts/e2e/.
let platform: RunningPlatform;
let browser: Browser;
let page: Page;
let cacheDir = '';
const serverErrors: string[] = [];

const api = apiOf(() => platform);

beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'chat-e2e-cache-'));
  platform = await startWebPlatform({ runnerCacheDir: cacheDir });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  page.on('response', (response) => {
    if (response.status() >= 500) serverErrors.push(`${response.status()} ${response.url()}`);
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('the chat playground in Chromium', () => {
  it('builds on a fresh cache, then holds a three-turn conversation with a tool call', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // A session at Testing with a generated TypeScript agent that has the calculator.
    let session = await api('POST', '/api/sessions', {
      title: 'Chat playground',
      answers: { useCase: 'Answer questions and calculate totals', requestsPerMonth: 1_000 },
      selections: { language: 'typescript', tools: ['calculator'], model: 'amazon.nova-lite-v1:0' },
    });
    for (let i = 0; i < 2; i++)
      session = (await api('POST', `/api/sessions/${session.id}/advance`, { version: session.version }))
        .session;
    const generation = await api('POST', '/api/code-generation/generate', { sessionId: session.id });
    expect(generation.status, JSON.stringify(generation)).toBe('SUCCEEDED');
    session = await api('GET', `/api/sessions/${session.id}`);
    for (let i = 0; i < 3 && session.phase !== 'TESTING'; i++)
      session = (await api('POST', `/api/sessions/${session.id}/advance`, { version: session.version }))
        .session;
    expect(session.phase).toBe('TESTING');

    await page.goto(`${platform.url}/sessions/${session.id}/testing`);
    await page.getByRole('button', { name: 'Build the project' }).click();
    // The build answers at once; its progress is shown while npm installs into the empty cache.
    await page.getByRole('status', { name: 'Build progress' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, 'chat-01-building-1366.png'), fullPage: true });
    await page.getByText('Built: ready to run').waitFor({ timeout: 900_000 });

    const ask = async (text: string) => {
      await page.getByRole('textbox').fill(text);
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await page.locator('.run-status').waitFor({ timeout: 180_000 });
      await expect(page.locator('.run-status').textContent()).resolves.toBe('succeeded');
    };
    await ask('My name is Ada.');
    await ask('Please use the calculator on "2 + 3 * 4"');
    const tools = page.getByRole('list', { name: 'Tool calls' });
    await tools.getByText('calculator').waitFor();
    await tools.locator('summary').first().click();
    await expect(tools.locator('pre').first().textContent()).resolves.toBe(
      '{\n  "expression": "2 + 3 * 4"\n}',
    );
    await ask('What did I say first?');
    await expect(page.getByTestId('run-output').textContent()).resolves.toContain(
      'Earlier in this conversation you asked: "My name is Ada."',
    );
    // The earlier turns stay on the page, each answer with its cost; the conversation's total too.
    await expect(
      page.getByRole('list', { name: 'Conversation' }).locator(':scope > li').count(),
    ).resolves.toBe(2);
    await page
      .getByTestId('conversation-cost')
      .getByText(/would cost \$[\d.]+ on Amazon Nova Lite/)
      .waitFor();
    await page.getByTestId('run-cost').first().waitFor();
    await page
      .getByText(/^Trace \(\d+ steps\)$/)
      .last()
      .click();
    await page.getByRole('list', { name: 'Trace' }).last().waitFor();
    await page.screenshot({ path: join(SHOTS, 'chat-02-conversation-1366.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, 'chat-03-conversation-390.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    await page.getByRole('button', { name: 'New conversation' }).click();
    await expect(page.getByRole('list', { name: 'Conversation' }).count()).resolves.toBe(0);
    expect(serverErrors).toEqual([]);
    expect(errors).toEqual([]);
  }, 1_200_000);
});
