// Runs before `npm start` and `npm test`: installs what a fresh machine lacks, so those two commands
// set everything up. npm: the locked dependencies (`npm ci`) when missing or older than
// package-lock.json. Debian: the packages in scripts/debian-packages.txt, when running as root.
// Plain JavaScript for any Node ≥ 18: it runs before the project's own Node 22 is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
if (!existsSync(marker) || statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs) {
  console.log('Installing npm dependencies (npm ci)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const packages = readFileSync('scripts/debian-packages.txt', 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
// One dpkg-query for all of them (a query per package took most of a second).
const query = spawnSync('dpkg-query', ['-W', '-f=${Package}\t${Status}\n', ...packages], {
  encoding: 'utf8',
});
const installed = new Set(
  (query.stdout ?? '')
    .split('\n')
    .filter((line) => line.endsWith('\tinstall ok installed'))
    .map((line) => line.split('\t')[0].split(':')[0]),
);
const missing = packages.filter((name) => !installed.has(name));
if (missing.length > 0) {
  if (process.getuid?.() !== 0) {
    console.error(
      `Missing Debian packages: ${missing.join(' ')}\nInstall them with: sudo apt-get install -y ${missing.join(' ')}`,
    );
    process.exit(1);
  }
  console.log(`Installing Debian packages: ${missing.join(' ')}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const result = spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
