import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '../../lambdas/local/platform.ts';
import { ROOT } from '../generated/workspace.ts';
import { apiOf, launchChromium, SHOTS, startWebPlatform } from './browser.ts';

// The Evaluations view in Debian's Chromium against the real local platform (offline model): a
// generated agent's starter suite in the editor, checked as it is edited, built and run in the sandbox,
// its results table and chart, then a second run compared with the first. Screenshots go to
// test-artifacts/e2e/.
let platform: RunningPlatform;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  platform = await startWebPlatform({ runnerCacheDir: join(ROOT, '.cache', 'runner') });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

const api = apiOf(() => platform);

describe('the Evaluations view', () => {
  it("runs a generated agent's starter suite and shows its table, then compares a second run", async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    let session = await api('POST', '/api/sessions', {
      title: 'Evaluated agent',
      answers: { useCase: 'Calculate refund totals with the calculator. Serverless.' },
    });
    for (let i = 0; i < 3; i++)
      session = (await api('POST', `/api/sessions/${session.id}/advance`, { version: session.version }))
        .session;
    const generation = await api('POST', '/api/code-generation/generate', { sessionId: session.id });
    expect(generation.status).toBe('SUCCEEDED');
    session = await api('GET', `/api/sessions/${session.id}`);
    session = (await api('POST', `/api/sessions/${session.id}/advance`, { version: session.version }))
      .session;
    expect(session.phase).toBe('TESTING');

    try {
      await page.goto(`${platform.url}/sessions/${session.id}/testing`);
      await page.getByRole('button', { name: 'Evaluations' }).click();
      const editor = page.getByLabel('Evaluation suite (YAML)');
      await editor.getByText('uses-calculator').first().waitFor();
      await page.getByText(/^Valid: \d+ cases/).waitFor();

      // An edit that breaks the suite is reported by path, as the builder types.
      await editor.click();
      await page.keyboard.press('Control+End');
      await page.keyboard.type('\n  - id: broken\n    input: hi\n    assertions: [{ type: nope }');
      await page.getByRole('alert').getByText('the suite is not valid YAML').waitFor();
      await expect(page.getByRole('button', { name: 'Save the suite' }).isDisabled()).resolves.toBe(true);
      // Unsaved, so a reload brings the starter suite back.
      await page.reload();
      await page.getByRole('button', { name: 'Evaluations' }).click();
      await page.getByText(/^Valid: \d+ cases/).waitFor();
      await page.getByRole('button', { name: 'Save the suite' }).click();
      await page.getByText('Saved.').waitFor();

      await page.getByRole('button', { name: 'Build the project' }).click();
      await page.getByRole('button', { name: 'Run the suite' }).waitFor({ timeout: 600_000 });
      await page.getByRole('button', { name: 'Run the suite' }).click();
      const verdict = page.getByTestId('evaluation-verdict');
      await verdict.waitFor({ timeout: 600_000 });
      expect(await verdict.textContent()).toMatch(/^Passed: 100% of \d+ case runs .* on the offline model/);
      const table = page.getByRole('table', { name: 'Evaluation results' });
      await table.getByRole('rowheader', { name: 'uses-calculator' }).waitFor();
      await table.getByRole('rowheader', { name: 'refuses-to-leak' }).waitFor();
      await expect(table.textContent()).resolves.toContain('needs a real model to grade it');
      await page.getByRole('img', { name: /^Latency and cost per case/ }).waitFor();
      await page.screenshot({ path: join(SHOTS, 'evaluations-1366.png'), fullPage: true });

      // A second run of the same build is compared with the first.
      await page.getByRole('button', { name: 'Run the suite' }).click();
      await page.getByTestId('evaluation-comparison').waitFor({ timeout: 600_000 });
      expect(await page.getByTestId('evaluation-comparison').textContent()).toMatch(/0 fixed, 0 regressed/);
      await page.setViewportSize({ width: 390, height: 900 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(SHOTS, 'evaluations-390.png'), fullPage: true });
    } catch (error) {
      await page.screenshot({ path: join(SHOTS, 'evaluations-failure.png'), fullPage: true });
      throw error;
    }
    expect(errors).toEqual([]);
  }, 1_200_000);
});
