import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPlatform } from '../../lambdas/local/platform.ts';
import { ROOT } from '../generated/workspace.ts';
import { apiOf, launchChromium, SHOTS, startWebPlatform } from './browser.ts';

// The whole workflow in Debian's Chromium (driven by playwright-core) against the real local platform:
// new session → requirements → model and tools → generate → preview and download the zip → cost →
// build and a test run with streamed output. A screenshot of each step goes to test-artifacts/e2e/.
let platform: RunningPlatform;
let browser: Browser;
let page: Page;

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const violations: { step: string; id: string; impact: string; nodes: string[] }[] = [];

/** A screenshot of the step, and an axe-core audit of what it shows (WCAG 2.1 A and AA). */
async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  if (name === 'failure') return;
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            options: unknown,
          ): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  violations.push(...found.map((v) => ({ step: name, ...v })));
}

beforeAll(async () => {
  platform = await startWebPlatform({ runnerCacheDir: join(ROOT, '.cache', 'runner') });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

const api = apiOf(() => platform);

/** A session at `phase` with these selections, made through the API as the web app would. */
async function sessionWith(selections: Record<string, unknown>, requestsPerMonth: number) {
  let session = await api('POST', '/api/sessions', {
    title: 'Suggestions',
    answers: { useCase: 'Answer refund questions and calculate totals', requestsPerMonth },
    selections,
  });
  for (let i = 0; i < 2; i++)
    session = (await api('POST', `/api/sessions/${session.id}/advance`, { version: session.version }))
      .session;
  expect(session.phase).toBe('IMPLEMENTATION');
  return session as { id: string; version: number; selections: Record<string, unknown> };
}

/** Every field a patch names is now in the selections (deployment fields one by one). */
function expectApplied(selections: Record<string, unknown>, patch: Record<string, unknown>) {
  const { deployment, ...rest } = patch as { deployment?: Record<string, unknown> };
  expect(selections).toMatchObject(rest);
  if (deployment) expect(selections.deployment).toMatchObject(deployment);
}

describe('the web app in Chromium', () => {
  it('takes a builder from a new session to a streamed test run', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await workflow(errors);
    } catch (error) {
      await shot('failure');
      throw error;
    }
  }, 900_000);

  it('builds a knowledge-base agent from the web app alone: description, conversation, settings form, generate, download', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(platform.url);
    await page.getByRole('heading', { name: 'Your agents' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('HR policy assistant');
    await page
      .getByLabel('What should it do?')
      .fill(
        "An internal HR policy assistant that answers employees' questions from our policy documents in S3. Python, deployed on ECS Fargate, about 5,000 questions a month, budget $30/month.",
      );
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.waitForURL(/\/sessions\/[^/]+\/requirements$/);
    const sessionId = /sessions\/([^/]+)\//.exec(page.url())?.[1] ?? '';

    // What the description says, each with its source; the setting it still needs, linked.
    await expect(page.getByLabel('Language', { exact: true }).inputValue()).resolves.toBe('python');
    await expect(page.getByLabel('Where it runs', { exact: true }).inputValue()).resolves.toBe('ecs-fargate');
    await expect(page.getByLabel('Requests per month', { exact: true }).inputValue()).resolves.toBe('5000');
    await expect(page.getByLabel('Monthly budget', { exact: true }).inputValue()).resolves.toBe('30');
    await page.getByText("from your description: 'about 5,000 questions a month'").first().waitFor();
    expect(await page.locator('.completeness span').textContent()).not.toBe('100%');
    await page.getByRole('button', { name: 'knowledge_base_retrieve.knowledgeBaseId' }).click();
    const kbField = page.getByLabel(/^knowledgeBaseId/);
    await expect(kbField.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await shot('10-kb-requirements');

    // The conversation answers; the settings form fills the Knowledge Base id.
    await page.getByLabel('Message').fill('Answers should always name the policy they come from.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.messages li.assistant').first().waitFor();
    await expect(page.locator('.messages li.assistant').first().textContent()).resolves.toMatch(
      /knowledgeBaseId/,
    );
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.ok());
    await kbField.fill('KB12345678');
    await kbField.blur();
    await saved;
    await page.locator('.completeness span').getByText('100%').waitFor();
    await page.getByText('Everything needed to generate is here').waitFor();
    await shot('11-kb-ready');

    await page.getByRole('button', { name: 'Continue to Model' }).click();
    await page.waitForURL(/\/model$/);
    await page.getByRole('button', { name: 'Continue to Tools' }).click();
    await page.waitForURL(/\/tools$/);
    expect(await page.getByRole('checkbox', { name: /^Bedrock Knowledge Base retrieve/ }).isChecked()).toBe(
      true,
    );
    await expect(page.getByLabel(/^knowledgeBaseId/).inputValue()).resolves.toBe('KB12345678');
    await shot('12-kb-tools');

    await page.getByRole('button', { name: 'Generate the project' }).click();
    await page.waitForURL(/\/code$/, { timeout: 60_000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /^Download (all|v\d+) \(\.zip\)$/ }).click(),
    ]);
    const zipPath = join(SHOTS, 'kb-project.zip');
    await download.saveAs(zipPath);
    const files = unzipSync(readFileSync(zipPath));
    const names = Object.keys(files);
    expect(names).toEqual(expect.arrayContaining([expect.stringMatching(/\/requirements\.txt$/)]));
    const settings = names.find((n) => n.endsWith('/tools/settings.py'));
    expect(new TextDecoder().decode(files[settings ?? ''])).toContain('"knowledgeBaseId": "KB12345678"');
    const stored = await api('GET', `/api/sessions/${sessionId}/context`);
    expect(stored.spec).toMatchObject({
      language: 'python',
      deployment: { target: 'ecs-fargate' },
      usage: { requestsPerMonth: 5000 },
      budget: { monthlyUsd: 30 },
    });
    expect(stored.spec.systemPrompt).not.toMatch(/\$30|budget|5,000|Fargate|Python/);
    await shot('13-kb-code');
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }, 300_000);

  it('fits a phone (390 px) and a desktop (1366 px): no tab overflows the viewport, the open tab in sight', async () => {
    let session = await api('POST', '/api/sessions', {
      title: 'Widths',
      answers: { useCase: 'Calculate refund totals with the calculator. Serverless.' },
    });
    for (let i = 0; i < 3; i++)
      session = (await api('POST', `/api/sessions/${session.id}/advance`, { version: session.version }))
        .session;
    expect(session.phase).toBe('CODE_GENERATION');
    for (const width of [390, 1366]) {
      await page.setViewportSize({ width, height: 900 });
      for (const tab of ['requirements', 'model', 'tools', 'code', 'cost']) {
        await page.goto(`${platform.url}/sessions/${session.id}/${tab}`);
        await page.getByRole('tabpanel').waitFor();
        await page.waitForLoadState('networkidle');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${tab} at ${width} px`).toBeLessThanOrEqual(0);
        const selected = page.getByRole('tab', { selected: true });
        const box = await selected.boundingBox();
        expect(
          box && box.x >= 0 && box.x + box.width <= width + 1,
          `${tab} tab in sight at ${width} px`,
        ).toBe(true);
      }
      await page.goto(`${platform.url}/sessions/${session.id}/code`);
      await page.getByRole('button', { name: /^Download (all|v\d+) \(\.zip\)$/ }).waitFor();
      await shot(`14-code-${width}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 300_000);

  // After the journey above, which starts from an empty session list.
  it('renders the API reference from the OpenAPI document, with nothing from another origin', async () => {
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(platform.url) && !request.url().startsWith('data:'))
        foreign.push(request.url());
    });
    await page.goto(`${platform.url}/api/docs`);
    await page
      .getByRole('heading', { name: 'Agent Builder Platform API' })
      .first()
      .waitFor({ timeout: 60_000 });
    // Every feature is a section; opening one lists its operations with the route table's summaries.
    for (const tag of ['models', 'tools', 'cost', 'sessions', 'generate', 'testing'])
      await page.getByText(tag, { exact: true }).first().waitFor();
    await page.getByText('sessions', { exact: true }).first().click();
    await page.getByText('Start a session').first().waitFor();
    await page.getByText('Move to the next phase when its conditions are met').first().waitFor();
    await page.screenshot({ path: join(SHOTS, '00-api-reference.png'), fullPage: false });
    expect(foreign).toEqual([]);
    page.removeAllListeners('request');
  }, 120_000);

  it('applies every kind of cost optimisation and every compatibility fix as the API sent it', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Cost: an expensive model on x86 Lambda with 2 GB at 2M requests a month has all five spec changes.
    const selections = {
      model: 'amazon.nova-pro-v1:0',
      tools: ['calculator'],
      deployment: { target: 'lambda', architecture: 'x86_64', memoryMb: 2048 },
    };
    const start = await sessionWith(selections, 2_000_000);
    const context = await api('GET', `/api/sessions/${start.id}/context`);
    const estimate = await api('POST', '/api/cost-estimate', {
      model: context.spec.model,
      deployment: context.spec.deployment,
      usage: { requestsPerMonth: 2_000_000, avgInputTokens: 800, avgOutputTokens: 200 },
      tools: context.spec.tools,
    });
    const withPatch = (estimate.optimizations as { id: string; title: string; patch?: object }[]).filter(
      (o) => o.patch,
    );
    expect(withPatch.map((o) => o.id).sort()).toEqual(
      ['arm64', 'cheaper-model', 'deployment-target', 'lambda-memory', 'smaller-model'].sort(),
    );
    for (const optimisation of withPatch) {
      const current = await api('GET', `/api/sessions/${start.id}`);
      await api('PATCH', `/api/sessions/${start.id}`, { version: current.version, selections });
      await page.goto(`${platform.url}/sessions/${start.id}/cost`);
      const item = page.locator('.advice li').filter({ hasText: optimisation.title });
      await item.waitFor();
      const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.ok());
      await item.getByRole('button', { name: 'Apply' }).click();
      await saved;
      expectApplied((await api('GET', `/api/sessions/${start.id}`)).selections, optimisation.patch as never);
    }
    await shot('08-cost-applied');

    // Tools: Shell cannot run on Lambda and File read has no TypeScript implementation.
    const tools = {
      language: 'typescript',
      tools: ['calculator', 'shell', 'file_read'],
      deployment: { target: 'lambda' },
      model: 'amazon.nova-pro-v1:0',
    };
    const session = await sessionWith(tools, 1_000);
    const resolved = await api('POST', '/api/tools/resolve', {
      ids: tools.tools,
      language: 'typescript',
      platform: 'lambda',
    });
    const fixes = [...resolved.compatibility.errors, ...resolved.compatibility.warnings].flatMap(
      (p: { fixes: { title: string; patch: Record<string, unknown> }[] }) => p.fixes,
    );
    // Another tool, another target, another language and dropping a tool: each kind is offered.
    const kinds = new Set(fixes.map((f: { patch: Record<string, unknown> }) => Object.keys(f.patch).join()));
    expect([...kinds].sort()).toEqual(['deployment', 'language', 'tools']);
    expect(fixes.some((f: { title: string }) => f.title.startsWith('Remove'))).toBe(true);
    expect(fixes.some((f: { title: string }) => f.title.startsWith('Use '))).toBe(true);
    for (const fix of fixes) {
      const current = await api('GET', `/api/sessions/${session.id}`);
      await api('PATCH', `/api/sessions/${session.id}`, { version: current.version, selections: tools });
      await page.goto(`${platform.url}/sessions/${session.id}/tools`);
      const button = page.getByRole('button', { name: fix.title, exact: true }).first();
      await button.waitFor();
      const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.ok());
      await button.click();
      await saved;
      expectApplied((await api('GET', `/api/sessions/${session.id}`)).selections, fix.patch);
    }
    await shot('09-tools-fixed');
    expect(errors).toEqual([]);
  }, 300_000);
});

async function workflow(errors: string[]): Promise<void> {
  {
    // Sessions: create one.
    await page.goto(platform.url);
    await page.getByRole('heading', { name: 'Your agents' }).waitFor();
    await page.getByText('No agents yet').waitFor();
    await shot('01-sessions');
    await page.getByLabel('Name', { exact: true }).fill('Refund helper "quoted" ✓');
    await page
      .getByLabel('What should it do?')
      .fill('Answer refund questions and calculate refund totals with the calculator. Serverless.');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.waitForURL(/\/sessions\/[^/]+\/requirements$/);

    // Requirements: the extracted spec with its completeness; the volume as people type it, saved as typed.
    await page.getByText('Completeness').waitFor();
    await page.getByLabel('Requests per month').fill('20k');
    await page.getByText('= 20,000').waitFor();
    await page.getByText('All changes saved').waitFor();
    await page.getByText('20,000 requests/month').waitFor();
    await shot('02-requirements');
    await page.getByRole('button', { name: 'Continue to Model' }).click();
    await page.waitForURL(/\/model$/);

    // Models: recommendations, search, compare two, select one.
    await page.getByRole('heading', { name: /Recommended for/ }).waitFor();
    await page.locator('.recommendations > li').first().waitFor();
    await page.getByLabel('Search').fill('nova');
    await page
      .getByText(/^\d+ of \d+ models$/)
      .filter({ hasNotText: /^0 of/ })
      .waitFor();
    const lite = page.getByRole('article', { name: 'Amazon Nova Lite' });
    const micro = page.getByRole('article', { name: 'Amazon Nova Micro' });
    await lite.getByLabel('Compare').check();
    await micro.getByLabel('Compare').check();
    await page.getByRole('heading', { name: 'Compare (2/5)' }).waitFor();
    await page.locator('table caption').waitFor();
    await lite.getByRole('button', { name: 'Select' }).click();
    await page.getByText('Selected model: amazon.nova-lite-v1:0').waitFor();
    await shot('03-models');
    await page.getByRole('button', { name: 'Continue to Tools' }).click();
    await page.waitForURL(/\/tools$/);

    // Tools: calculator (extracted from the description) and current time; the resolved dependencies.
    // The calculator was extracted from the description.
    await page.getByRole('heading', { name: 'Selected (1)' }).waitFor();
    expect(await page.getByRole('checkbox', { name: /^Calculator/ }).isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: /^Current time/ }).click();
    await page.getByRole('heading', { name: 'Selected (2)' }).waitFor();
    await page.getByRole('heading', { name: /Dependency tree \(npm\)/ }).waitFor();
    await shot('04-tools');

    // Generate, then preview a file in CodeMirror and download the whole project as a zip.
    await page.getByRole('button', { name: 'Generate the project' }).click();
    await page.waitForURL(/\/code$/, { timeout: 60_000 });
    await page.getByRole('button', { name: 'agent.ts' }).click();
    await page.locator('.cm-content').getByText('createAgent').first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /^Download (all|v\d+) \(\.zip\)$/ }).click(),
    ]);
    const zipPath = join(SHOTS, 'project.zip');
    await download.saveAs(zipPath);
    const entries = Object.keys(unzipSync(readFileSync(zipPath)));
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/package\.json$/),
        expect.stringMatching(/\/src\/agent\.ts$/),
      ]),
    );
    await shot('05-code');

    // Cost: the monthly total, and an optimisation applied to the selection.
    await page.getByRole('tab', { name: 'Cost' }).click();
    const total = page.getByTestId('monthly-total');
    await total.waitFor();
    await page.getByRole('img', { name: /^Monthly cost by service/ }).waitFor();
    // Applying the first optimisation that changes the spec changes the selection and the estimate.
    const breakdown = page.getByRole('heading', { name: /^By service/ });
    const before = { total: await total.textContent(), breakdown: await breakdown.textContent() };
    await page.getByRole('button', { name: 'Apply' }).first().click();
    await page.waitForFunction(
      (previous) =>
        document.querySelector('[data-testid="monthly-total"]')?.textContent !== previous.total &&
        document.querySelector('#breakdown-heading')?.textContent !== previous.breakdown,
      before,
    );
    await shot('06-cost');

    // Testing: build, run, watch the streamed answer with its tool call and metrics; then history.
    await page.getByRole('button', { name: 'Continue to Testing' }).click();
    await page.waitForURL(/\/testing$/);
    await page.getByRole('button', { name: 'Build the project' }).click();
    await page.getByText('Built: ready to run').waitFor({ timeout: 600_000 });
    await page.getByLabel('Input').fill('Please use the calculator on "2 + 3 * 4"');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.locator('.run-status.succeeded').waitFor({ timeout: 120_000 });
    await expect(page.getByTestId('run-output').textContent()).resolves.toContain('"result":"14"');
    await page.getByRole('list', { name: 'Tool calls' }).getByText('calculator').waitFor();
    await page.locator('.model-label').getByText('offline model').waitFor();
    await page.getByRole('list', { name: 'Tool calls' }).waitFor();
    await page.locator('.history li').first().waitFor();
    await shot('07-testing');
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
  }
}
