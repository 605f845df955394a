// Runs before `npm start` and `npm test`: installs the locked dependencies on a fresh clone, or when
// package-lock.json changed since the last install, so those two commands set everything up.
// Plain JavaScript for any Node ≥ 18: it runs before the project's own Node 22 is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs;
if (stale) {
  console.log('Installing dependencies (npm ci)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
