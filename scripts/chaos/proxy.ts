// A recording pass-through proxy in front of the emulator. The action talks to the proxy; the proxy forwards
// every request unchanged and hands each exchange to the chaos runner:
// - on arrival (with its body): to count create/rotate calls and to kill the action at a chosen request;
// - once the emulator has answered (or dropped the connection): to check the invariants after every request
//   the emulator served, and to collect every secret Cloudflare issued from the response bodies.
// Faults stay the emulator's business (emu.faults); a drop upstream becomes a drop towards the action.

import { Agent, createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ApiKind = 'cloudflare' | 'github' | 'access' | 'other';

export interface Exchange {
  readonly seq: number;
  readonly api: ApiKind;
  readonly method: string;
  /** API-relative path, still URL-encoded (as in the emulator's request log), without the query. */
  readonly path: string;
  readonly body: unknown;
  /** 0 while in flight and for a dropped connection. */
  status: number;
  dropped: boolean;
  responseBody: unknown;
  /** True when the runner killed the action at this request. */
  killedHere: boolean;
}

/** What to do with a request that just arrived. */
export type ArrivalDecision = 'pass' | 'kill-and-forward' | 'kill-and-drop';

export interface ProxyHooks {
  onArrival(exchange: Exchange): ArrivalDecision;
  onServed(exchange: Exchange): void;
}

export interface RecordingProxy {
  readonly url: string;
  /** Requests forwarded upstream and not yet answered (the emulator goes on after the action died). */
  pending(): number;
  idle(timeoutMs?: number): Promise<void>;
  setHooks(hooks: ProxyHooks | undefined): void;
  close(): Promise<void>;
}

const PREFIXES: ReadonlyArray<readonly [string, ApiKind]> = [
  ['/cloudflare/client/v4', 'cloudflare'],
  ['/github', 'github'],
  ['/access', 'access']
];

function classify(rawPath: string): { api: ApiKind; path: string } {
  for (const [prefix, api] of PREFIXES) {
    if (rawPath === prefix || rawPath.startsWith(`${prefix}/`))
      return { api, path: rawPath.slice(prefix.length) || '/' };
  }
  return { api: 'other', path: rawPath };
}

function parseJson(buffer: Buffer): unknown {
  if (buffer.length === 0) return undefined;
  try {
    return JSON.parse(buffer.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

export async function startProxy(upstream: string): Promise<RecordingProxy> {
  const target = new URL(upstream);
  // One connection per request upstream: a reused socket that the emulator dropped must not look like a fault.
  const agent = new Agent({ keepAlive: false });
  let hooks: ProxyHooks | undefined;
  let seq = 0;
  let inFlight = 0;

  function forward(
    req: IncomingMessage,
    body: Buffer
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer } | 'dropped'> {
    return new Promise((resolve) => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()))
      );
      const upstreamRequest = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          agent,
          headers: { ...headers, host: target.host, 'content-length': String(body.length) }
        },
        (response) => {
          readAll(response).then(
            (payload) =>
              resolve({ status: response.statusCode ?? 0, headers: response.headers, body: payload }),
            () => resolve('dropped')
          );
        }
      );
      upstreamRequest.on('error', () => resolve('dropped'));
      upstreamRequest.end(body);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const body = await readAll(req);
    seq += 1;
    const exchange: Exchange = {
      seq,
      ...classify(rawPath),
      method: (req.method ?? 'GET').toUpperCase(),
      body: parseJson(body),
      status: 0,
      dropped: false,
      responseBody: undefined,
      killedHere: false
    };
    const decision = hooks?.onArrival(exchange) ?? 'pass';
    if (decision === 'kill-and-drop') {
      exchange.killedHere = true;
      exchange.dropped = true;
      req.socket.destroy();
      return;
    }
    if (decision === 'kill-and-forward') exchange.killedHere = true;
    inFlight += 1;
    try {
      const answer = await forward(req, body);
      if (answer === 'dropped') {
        exchange.dropped = true;
        hooks?.onServed(exchange);
        req.socket.destroy();
        return;
      }
      exchange.status = answer.status;
      exchange.responseBody = parseJson(answer.body);
      hooks?.onServed(exchange);
      if (res.destroyed || res.socket?.destroyed) return;
      const headers = Object.fromEntries(
        Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()))
      );
      res.writeHead(answer.status, { ...headers, 'content-length': String(answer.body.length) });
      res.end(answer.body);
    } finally {
      inFlight -= 1;
    }
  }

  const server = createServer((req, res) => {
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`chaos proxy bug: ${String(error)}`);
      } else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    pending: () => inFlight,
    async idle(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    },
    setHooks(next) {
      hooks = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      })
  };
}
