import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { ensureWebApp } from '../../bin/cli/start.ts';
import { type PlatformOptions, type RunningPlatform, startPlatform } from '../../lambdas/local/platform.ts';
import { ROOT } from '../generated/workspace.ts';

// What every Chromium end-to-end test starts with: the web app built, the embedded platform serving
// it on the offline model, Debian's Chromium, and the platform's API from the test itself.

/** Where the e2e tests write their screenshots (docs/images is copied from here). */
export const SHOTS = join(ROOT, 'test-artifacts', 'e2e');

/** Builds the web app when its sources changed, and starts the platform serving it. */
export async function startWebPlatform(options: PlatformOptions = {}): Promise<RunningPlatform> {
  mkdirSync(SHOTS, { recursive: true });
  ensureWebApp({ out: () => undefined, err: () => undefined } as never);
  return startPlatform({
    port: 0,
    testModel: 'offline',
    staticDir: join(ROOT, 'frontend', 'dist'),
    ...options,
  });
}

/** Debian's Chromium, headless, with nothing reaching out to the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The platform's API from the test itself (the local developer), for setting up and checking. */
export function apiOf(platform: () => RunningPlatform) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${platform().url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
    return (await response.json()) as any;
  };
}
