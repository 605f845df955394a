// Runs before `npm run deploy` (predeploy): `cdk deploy` builds the runner's ARM64 container image on
// this machine (ContainerImage.fromAsset, linux/arm64), so it needs a running Docker engine with
// buildx, and, on an x86 machine, QEMU emulation for arm64. Say plainly what is missing, before CDK
// starts, instead of failing half-way through a deploy.
import { spawnSync } from 'node:child_process';
import { arch } from 'node:os';
import { pathToFileURL } from 'node:url';

/** What is missing for `cdk deploy` on this machine, each with what to do; empty when ready. */
export function deployProblems(run = defaultRun, machine = arch()) {
  const problems = [];
  const docker = run('docker', ['version', '--format', '{{.Server.Version}}']);
  if (docker.error || docker.status !== 0) {
    problems.push(
      docker.error?.code === 'ENOENT'
        ? 'Docker is not installed: cdk deploy builds the test runner image (linux/arm64) locally. Install Docker Engine or Docker Desktop.'
        : 'The Docker engine is not running or not reachable: start it (e.g. `sudo systemctl start docker`) and check `docker version`.',
    );
    return problems;
  }
  const buildx = run('docker', ['buildx', 'version']);
  if (buildx.status !== 0) {
    problems.push('Docker buildx is missing: install the docker-buildx plugin (Docker Desktop has it).');
    return problems;
  }
  if (machine !== 'arm64') {
    const platforms = run('docker', ['buildx', 'inspect', '--bootstrap']);
    if (platforms.status !== 0 || !/linux\/arm64/.test(platforms.stdout ?? '')) {
      problems.push(
        'This machine is not ARM64 and its buildx builder cannot build linux/arm64 images: install QEMU emulation with `docker run --privileged --rm tonistiigi/binfmt --install arm64`, then check `docker buildx inspect --bootstrap` lists linux/arm64.',
      );
    }
  }
  return problems;
}

function defaultRun(command, args) {
  return spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const problems = deployProblems();
  if (problems.length > 0) {
    console.error(`Not ready to deploy:\n${problems.map((p) => `- ${p}`).join('\n')}`);
    console.error('See the README, "Deploy the platform (operators)".');
    process.exit(1);
  }
  console.log('Deploy machine: Docker engine, buildx and linux/arm64 builds are available.');
}
