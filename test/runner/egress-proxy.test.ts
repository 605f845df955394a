import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EgressProxy, isPrivateAddress, startEgressProxy } from '../../runner/egress-proxy.ts';
import { scratchDir } from '../generated/workspace.ts';

// The sandbox's egress proxy on its own: which addresses count as this machine's network, and what it
// answers a CONNECT to a host that is not allowed, or allowed but local.
const socket = join(scratchDir('egress'), 'egress.sock');
let proxy: EgressProxy;
beforeAll(async () => {
  proxy = await startEgressProxy(socket, ['allowed.example', 'localhost']);
});
afterAll(async () => proxy?.close());

/** The status line the proxy answers `head` with. */
const answer = (head: string) =>
  new Promise<string>((resolve) => {
    const client = connect(socket, () => client.write(head));
    let text = '';
    client.on('data', (d) => {
      text += d.toString();
    });
    client.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
  });

describe('the egress proxy', () => {
  it('counts loopback, private, link-local (metadata endpoints) and mapped addresses as local', () => {
    for (const address of [
      '127.0.0.1',
      '10.0.0.8',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '169.254.170.2',
      '100.64.0.1',
      '::1',
      'fe80::1',
      'fc00::1',
      '::ffff:127.0.0.1',
      'not-an-ip',
    ])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ['8.8.8.8', '203.0.113.80', '2606:4700::1111', '::ffff:8.8.8.8'])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it('refuses a host that is not allowed, an allowed name of this machine, another port and plain HTTP', async () => {
    expect(await answer('CONNECT elsewhere.example:443 HTTP/1.1\r\n\r\n')).toBe('HTTP/1.1 403 Forbidden');
    expect(await answer('CONNECT localhost:443 HTTP/1.1\r\n\r\n')).toBe('HTTP/1.1 403 Forbidden');
    expect(await answer('CONNECT allowed.example:22 HTTP/1.1\r\n\r\n')).toBe('HTTP/1.1 403 Forbidden');
    expect(await answer('GET http://allowed.example/ HTTP/1.1\r\nHost: allowed.example\r\n\r\n')).toBe(
      'HTTP/1.1 403 Forbidden',
    );
  });
});
