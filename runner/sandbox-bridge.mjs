// The agent's side of the sandbox (runner/sandbox.ts), run inside it as the agent's parent. The
// sandbox has a network namespace of its own with loopback only; this bridges the two ports the run
// needs across it through Unix sockets that the harness mounts in: the model gateway (the agent's
// 127.0.0.1:GATEWAY_PORT to the harness's gateway socket) and the agent's own server (the harness's
// agent socket to the agent's 127.0.0.1:PORT). Then it starts the agent and ends with its exit code.
//
// When the agent may call hosts outside (http_request's allowedDomains), a third port reaches the
// harness's egress proxy.
//
//   node sandbox-bridge.mjs <gateway port> <gateway socket> <agent socket> <agent port> [<egress port> <egress socket>] -- <command> [args…]
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { constants } from 'node:os';

const argv = process.argv.slice(2);
const dashes = argv.indexOf('--');
const [gatewayPort, gatewaySocket, agentSocket, agentPort, egressPort, egressSocket] = argv.slice(0, dashes);
const [command, ...args] = argv.slice(dashes + 1);
if (dashes < 4 || !command) {
  process.stderr.write(
    'usage: sandbox-bridge.mjs <gateway port> <gateway socket> <agent socket> <agent port> [<egress port> <egress socket>] -- <command>\n',
  );
  process.exit(2);
}

const join = (a, b) => {
  a.pipe(b);
  b.pipe(a);
  a.once('error', () => b.destroy());
  b.once('error', () => a.destroy());
  a.once('close', () => b.destroy());
  b.once('close', () => a.destroy());
};

createServer((socket) => join(socket, connect(gatewaySocket)))
  .on('error', (error) => process.stderr.write(`sandbox bridge: ${error.message}\n`))
  .listen(Number(gatewayPort), '127.0.0.1');
createServer((socket) => join(socket, connect(Number(agentPort), '127.0.0.1')))
  .on('error', (error) => process.stderr.write(`sandbox bridge: ${error.message}\n`))
  .listen(agentSocket);
// The egress proxy (runner/egress-proxy.ts), when the agent may call hosts outside.
if (egressPort && egressSocket) {
  createServer((socket) => join(socket, connect(egressSocket)))
    .on('error', (error) => process.stderr.write(`sandbox bridge: ${error.message}\n`))
    .listen(Number(egressPort), '127.0.0.1');
}

const agent = spawn(command, args, { stdio: 'inherit' });
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => agent.kill(signal));
agent.once('error', (error) => {
  process.stderr.write(`could not start ${command}: ${error.message}\n`);
  process.exit(127);
});
// A signal's death is told as the shell tells it: 128 + the signal's number.
agent.once('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
