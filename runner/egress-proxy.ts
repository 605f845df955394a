import { lookup } from 'node:dns/promises';
import { BlockList, connect, createServer, isIP, type Socket } from 'node:net';

/**
 * The sandboxed agent's one way to the internet: an HTTPS (CONNECT) proxy on a Unix socket that the
 * sandbox bridges in, letting through only the hosts the agent's spec allows (http_request's
 * `allowedDomains`, subdomains included) on port 443, and never to an address of this machine or its
 * network (loopback, private, link-local such as the metadata endpoints), whatever a name resolves to.
 */
export interface EgressProxy {
  close(): Promise<void>;
}

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

/** Whether `address` is of this machine or a private network (never reachable through the proxy). */
export function isPrivateAddress(address: string): boolean {
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const plain = mapped ?? address;
  const family = isIP(plain);
  if (family === 0) return true;
  return PRIVATE.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether `host` is one of `allowed` or a subdomain of one. */
export const hostAllowed = (host: string, allowed: readonly string[]) =>
  allowed.some((domain) => host === domain || host.endsWith(`.${domain}`));

export async function startEgressProxy(socketPath: string, allowed: readonly string[]): Promise<EgressProxy> {
  const sockets = new Set<Socket>();
  const refuse = (client: Socket, status: string, why: string) => {
    client.end(`HTTP/1.1 ${status}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${why}\n`);
  };
  const server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        if (head.length > 8_192)
          refuse(client, '431 Request Header Fields Too Large', 'request head too large');
        return;
      }
      client.off('data', onData);
      client.pause();
      const rest = Buffer.from(head.slice(end + 4), 'latin1');
      const [method = '', target = ''] = head.slice(0, head.indexOf('\r\n')).split(' ');
      void open(client, method, target, rest);
    };
    client.on('data', onData);
  });
  const open = async (client: Socket, method: string, target: string, rest: Buffer) => {
    if (method !== 'CONNECT') {
      refuse(client, '403 Forbidden', 'only HTTPS (CONNECT) goes out of the sandbox; use an https:// URL');
      return;
    }
    const match = /^([a-zA-Z0-9.-]+):(\d+)$/.exec(target);
    const host = match?.[1]?.toLowerCase() ?? '';
    if (match?.[2] !== '443' || !hostAllowed(host, allowed)) {
      refuse(
        client,
        '403 Forbidden',
        `${target} is not allowed; this agent may call ${allowed.join(', ') || 'no host'} on port 443`,
      );
      return;
    }
    let address: string;
    try {
      const addresses = await lookup(host, { all: true });
      // Every address must be public: a name that also resolves here is refused, not raced.
      if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address))) {
        refuse(client, '403 Forbidden', `${host} resolves to an address of this network`);
        return;
      }
      address = addresses[0]?.address ?? '';
    } catch {
      refuse(client, '502 Bad Gateway', `${host} does not resolve`);
      return;
    }
    const upstream = connect(443, address, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (rest.length > 0) upstream.write(rest);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    sockets.add(upstream);
    upstream.once('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.once('error', () => refuse(client, '502 Bad Gateway', `${host} is unreachable`));
    client.once('close', () => upstream.destroy());
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
