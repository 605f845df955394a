import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '../../lambdas/local/platform.ts';
import { launchChromium, SHOTS, startWebPlatform } from './browser.ts';

// The builder's journey in Debian's Chromium against the real local platform, on a phone and a desktop:
// description → settings → generate → change the model → regenerate → the diff of the new version →
// build → chat → the deploy step; and one monthly total for the session's workload in recommendations,
// compare and the cost tab. Screenshots go to test-artifacts/e2e/journey-*.png.
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

/** Nothing is wider than the viewport (the page scrolls only down). */
async function fits(page: Page, where: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${where}: horizontal overflow`).toBeLessThanOrEqual(0);
}

const text = async (page: Page, selector: string) =>
  ((await page.locator(selector).first().textContent()) ?? '').trim();

describe('the builder’s journey', () => {
  for (const width of [390, 1366]) {
    it(`goes from a description to the deploy step at ${width} px, with one monthly total`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const shot = (name: string) =>
        page.screenshot({ path: join(SHOTS, `journey-${width}-${name}.png`), fullPage: true });
      try {
        // Description.
        await page.goto(platform.url);
        await page.getByLabel('Name', { exact: true }).fill(`Refund helper ${width}`);
        await page
          .getByLabel('What should it do?')
          .fill(
            'Answer refund questions and calculate refund totals with the calculator. Serverless, budget $40/month.',
          );
        await page.getByRole('button', { name: 'Create agent' }).click();
        await page.waitForURL(/\/sessions\/[^/]+\/requirements$/);
        const sessionId = /sessions\/([^/]+)\//.exec(page.url())?.[1] ?? '';

        // Settings: the workload, as people type it, saved with the agent.
        await page.getByLabel('Requests per month').fill('5k');
        await page.getByText('= 5,000').waitFor();
        await page.getByText('All changes saved').waitFor();
        await fits(page, 'requirements');
        await page.getByRole('button', { name: 'Continue to Model' }).click();
        await page.waitForURL(/\/model$/);

        // Recommendations for that workload: choose the first; its total is the agent's monthly total.
        const first = page.locator('.recommendations > li').first();
        await first.getByTestId('recommendation-total').waitFor();
        await page.getByText(/Priced for this agent’s workload \(5,000 requests\/month/).waitFor();
        const chosen = ((await first.locator('strong').first().textContent()) ?? '').trim();
        const recommended = ((await first.getByTestId('recommendation-total').textContent()) ?? '').trim();
        await first.getByRole('button', { name: 'Use this' }).click();
        await page
          .getByText(/^Selected model: /)
          .filter({ hasNotText: 'none yet' })
          .waitFor();
        await fits(page, 'model');

        // Compare the chosen model with another: the same total for it.
        await page.getByLabel('Search').fill(chosen);
        await page.getByRole('article', { name: chosen }).getByLabel('Compare').check();
        await page.getByLabel('Search').fill('nova');
        const other = page.getByRole('article').filter({ hasNotText: chosen }).first();
        await other.getByLabel('Compare').check();
        const row = page.locator('table tr', { has: page.locator('th', { hasText: chosen }) });
        await row.getByTestId('compare-total').filter({ hasText: '$' }).waitFor();
        const compared = ((await row.getByTestId('compare-total').textContent()) ?? '').trim();
        await shot('1-model');

        // The cost tab: the same total for the session's workload.
        await page.getByRole('tab', { name: 'Cost' }).click();
        await page.getByTestId('monthly-total').waitFor();
        const costTab = await text(page, '[data-testid="monthly-total"]');
        expect({ compared, costTab }).toEqual({ compared: recommended, costTab: recommended });
        await fits(page, 'cost');

        // Generate v1.
        await page.getByRole('tab', { name: 'Model' }).click();
        await page.getByRole('button', { name: 'Continue to Tools' }).click();
        await page.waitForURL(/\/tools$/);
        await page.getByRole('button', { name: 'Generate the project' }).click();
        await page.waitForURL(/\/code$/, { timeout: 60_000 });
        await page.getByRole('button', { name: 'Download v1 (.zip)' }).waitFor();
        await fits(page, 'code v1');

        // Change the model: the code is out of date, and says what changed.
        await page.getByRole('tab', { name: 'Model' }).click();
        const second = page.locator('.recommendations > li').filter({ hasNotText: chosen }).first();
        await second.getByRole('button', { name: 'Use this' }).click();
        await page
          .getByRole('button', { name: 'Selected' })
          .filter({ hasText: 'Selected' })
          .first()
          .waitFor();
        await page.getByRole('tab', { name: 'Code' }).click();
        await page.getByText('The code is out of date.').waitFor();
        await page.getByText(/The spec changed since v1: model: /).waitFor();

        // Regenerate: v2 opens with its diff against v1, in CodeMirror's merge view.
        await page.getByRole('button', { name: 'Regenerate' }).click();
        const diff = page.getByRole('region', { name: 'v1 → v2' });
        await diff.waitFor({ timeout: 60_000 });
        await diff.getByRole('list', { name: 'Changed files' }).waitFor();
        if (width < 600) await diff.getByRole('button', { name: 'Unified' }).click();
        await diff
          .locator(width < 600 ? '.cm-deletedChunk, .cm-changedLine' : '.cm-mergeView')
          .first()
          .waitFor();
        expect(await diff.textContent()).toContain('What changed in the spec: model:');
        await page.getByRole('button', { name: 'Download v2 (.zip)' }).waitFor();
        await shot('2-diff');
        await fits(page, 'diff');

        // Testing: the header asks before going on with a version that was never built and test-run.
        await page.getByRole('button', { name: 'Continue to Testing' }).click();
        await page.waitForURL(/\/testing$/);
        await page.getByRole('button', { name: 'Continue to Deployment' }).click();
        await page
          .getByRole('alertdialog')
          .getByText('v2 was never built and test-run. Continue to Deployment anyway?')
          .waitFor();
        await page.getByRole('button', { name: 'Not yet' }).click();

        // Build v2 and chat with it: a tool call through the warm agent.
        await page.getByRole('button', { name: 'Build the project' }).click();
        await page.getByText('Built: ready to run').waitFor({ timeout: 600_000 });
        await page.getByRole('textbox').fill('Please use the calculator on "120 * 0.25"');
        await page.getByRole('button', { name: 'Run', exact: true }).click();
        await page.locator('.run-status').waitFor({ timeout: 180_000 });
        await expect(page.locator('.run-status').textContent()).resolves.toBe('succeeded');
        await page.getByRole('list', { name: 'Tool calls' }).getByText('calculator').waitFor();
        await shot('3-chat');
        await fits(page, 'chat');

        // The deploy step: v2 was built and its test passed, so the header goes on without asking.
        await page.getByRole('button', { name: 'Continue to Deployment' }).click();
        await page.waitForURL(/\/deploy$/);
        expect(await page.getByRole('alertdialog').count()).toBe(0);
        await page.getByText(/^deploy\/[a-z-]+\/deploy\.sh --skip-(build|package)$/).waitFor();
        await page.getByRole('heading', { name: 'What the agent may do (its IAM role)' }).waitFor();
        await page
          .getByTestId('deploy-to-account')
          .getByText(/needs the platform running in your AWS account/)
          .waitFor();
        await shot('4-deploy');
        await fits(page, 'deploy');

        // The sessions list shows the agent's model and its last generation.
        await page.goto(platform.url);
        const item = page.locator('.session-item', { hasText: `Refund helper ${width}` });
        await item.getByText(/^generated /).waitFor();
        expect(await item.getByText('not chosen yet').count()).toBe(0);
        expect(sessionId).not.toBe('');
        await fits(page, 'sessions');
        expect(errors).toEqual([]);
      } catch (error) {
        await shot('failure').catch(() => undefined);
        throw error;
      } finally {
        await context.close();
      }
    }, 900_000);
  }
});
