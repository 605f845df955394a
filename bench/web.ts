/// <reference lib="dom" />
/**
 * Web app figures: production bundle sizes (initial JS target ≤ 300 KB gzipped) and, in Debian's
 * Chromium, the time to render the model selector with 1,000 models and to scroll through them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ensureWebApp } from '../bin/cli/start.ts';
import type { RunningPlatform } from '../lambdas/local/platform.ts';
import { ModelInfo } from '../lambdas/models/schema.ts';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'frontend', 'dist');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export function bundleSizes(): void {
  ensureWebApp({ out: (text: string) => console.log(text), err: () => undefined } as never);
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  // What the first page load fetches: the entry script and the chunks it preloads.
  const initial = new Set(
    [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string),
  );
  const assets = readdirSync(join(DIST, 'assets')).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
  const rows = assets
    .map((file) => {
      const body = readFileSync(join(DIST, 'assets', file));
      return {
        file,
        loaded: initial.has(`assets/${file}`) ? 'initial' : file.endsWith('.css') ? 'initial (css)' : 'lazy',
        raw: statSync(join(DIST, 'assets', file)).size,
        gzip: gzipSync(body, { level: 9 }).length,
      };
    })
    .sort((a, b) => b.gzip - a.gzip);
  const initialJs = rows.filter((r) => r.loaded === 'initial').reduce((sum, r) => sum + r.gzip, 0);
  console.log('\nWeb app bundle (vite build)');
  console.table(rows.map((r) => ({ file: r.file, loaded: r.loaded, raw: kb(r.raw), gzip: kb(r.gzip) })));
  console.log(`Initial JS: ${kb(initialJs)} gzipped (target ≤ 300 KB).`);
}

/** Models as the API serves them (checked against the registry schema, so the bench follows it). */
function syntheticModels(count: number) {
  return Array.from({ length: count }, (_, i) =>
    ModelInfo.parse({
      id: `bench.model-${i}-v1:0`,
      provider: ['bedrock', 'ollama', 'openai', 'anthropic'][i % 4],
      vendor: `Vendor ${i % 17}`,
      family: `family-${i % 31}`,
      name: `Bench Model ${i}`,
      description: 'A synthetic model for the render benchmark.',
      pricing: { inputPerMTok: (i % 50) / 10, outputPerMTok: (i % 50) / 5, basis: 'synthetic' },
      contextWindow: 8_000 * ((i % 40) + 1),
      maxOutputTokens: 4_096,
      capabilities: ['tool-use', 'streaming', ...(i % 3 === 0 ? ['vision'] : [])],
      strengths: [],
      tier: 'medium',
      regions: i % 4 === 0 ? ['us-east-1'] : [],
      recommended: i % 8 === 0,
      lifecycle: { status: 'active' },
      source: 'https://example.com',
      asOf: '2026-01-01',
    }),
  );
}

export async function modelListRender(platform: RunningPlatform): Promise<void> {
  const json = async (path: string, body: unknown) => {
    const response = await fetch(`${platform.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as { id: string; version: number; session?: { version: number } };
  };
  const session = await json('/api/sessions', {
    title: 'Render bench',
    answers: { useCase: 'Answer support questions' },
  });
  await json(`/api/sessions/${session.id}/advance`, { version: session.version });
  const models = JSON.stringify(syntheticModels(1_000));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  const rows: Record<string, string | number>[] = [];
  try {
    for (let run = 1; run <= 3; run++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.route(/\/api\/models(\?.*)?$/, (route) =>
        route.fulfill({ status: 200, contentType: 'application/json', body: models }),
      );
      const started = performance.now();
      await page.goto(`${platform.url}/sessions/${session.id}/model`);
      await page.getByText('1000 of 1000 models').waitFor();
      await page.locator('.model-card').first().waitFor();
      const rendered = performance.now() - started;
      const scroll = await page.evaluate(async () => {
        const list = document.querySelector('.model-scroll') as HTMLElement;
        const frames: number[] = [];
        const t0 = performance.now();
        let last = t0;
        const steps = 60;
        for (let i = 1; i <= steps; i++) {
          list.scrollTop = (list.scrollHeight * i) / steps;
          await new Promise((resolve) => requestAnimationFrame(resolve));
          const now = performance.now();
          frames.push(now - last);
          last = now;
        }
        return {
          totalMs: performance.now() - t0,
          worstFrameMs: Math.max(...frames),
          cardsInDom: document.querySelectorAll('.model-card').length,
          reachedEnd: list.scrollTop + list.clientHeight >= list.scrollHeight - 2,
        };
      });
      rows.push({
        run,
        'render 1,000 models ms': rendered.toFixed(0),
        'scroll to end ms (60 steps)': scroll.totalMs.toFixed(0),
        'worst frame ms': scroll.worstFrameMs.toFixed(1),
        'cards in DOM': scroll.cardsInDom,
        'reached end': String(scroll.reachedEnd),
      });
      await page.close();
    }
  } finally {
    await browser.close();
  }
  console.log('\nModel selector with 1,000 models in Chromium (virtualised list)');
  console.table(rows);
}
