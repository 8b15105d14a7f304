import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Emulator } from '../../emulator/server.ts';
import { accepted, emulator, run, WEB } from './harness.ts';

/** A CONNECT proxy on 127.0.0.1 that counts the connections it tunnels, and where to. */
async function connectProxy(): Promise<{ server: Server; url: string; tunnels: string[] }> {
  const tunnels: string[] = [];
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, socket, head) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tunnels };
}

describe('dist/index.js behind a proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY)', () => {
  let emu: Emulator;
  let proxy: Awaited<ReturnType<typeof connectProxy>>;

  beforeEach(async () => {
    emu = await emulator();
    proxy = await connectProxy();
  });

  afterEach(async () => {
    await emu.close();
    proxy.server.closeAllConnections();
    await new Promise((resolve) => proxy.server.close(resolve));
  });

  it('sends the Cloudflare, GitHub and verify-url requests through the proxy', async () => {
    const emulatorHost = new URL(emu.githubApiUrl).host;
    const result = await run(
      emu,
      { targets: 'octo-org/web', 'verify-url': emu.accessAppUrl },
      { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url }
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/verify-url answered 200/);
    expect(accepted(emu, WEB)).toBe(true);
    const apis = new Set(emu.requests().map((request) => request.api));
    expect([...apis].sort()).toEqual(['access', 'cloudflare', 'github']);
    // Every connection to the emulator (the only host) was a tunnel of the proxy.
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([emulatorHost]));
  });

  it('fails without a change when the proxy is unreachable: nothing goes around it', async () => {
    const closed = proxy.url;
    proxy.server.closeAllConnections();
    await new Promise((resolve) => proxy.server.close(resolve));
    proxy = await connectProxy();
    const result = await run(
      emu,
      { targets: 'octo-org/web' },
      { HTTP_PROXY: closed, ROTATOR_REQUEST_TIMEOUT_MS: '500', ROTATOR_RETRY_BASE_MS: '1' }
    );
    expect(result.exitCode).toBe(1);
    expect(emu.requests()).toEqual([]);
  });

  it('reaches the hosts in NO_PROXY directly', async () => {
    const result = await run(
      emu,
      { targets: 'octo-org/web' },
      { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }
    );
    expect(result.exitCode).toBe(0);
    expect(emu.requests().length).toBeGreaterThan(0);
    expect(proxy.tunnels).toEqual([]);
  });
});
