// One HTTP server for everything: Cloudflare at /cloudflare/client/v4, GitHub at /github, the protected Access
// app at /access, and the control API at /_emulator. Each API request passes through the same steps:
// log → fault → contract check (request) → handler → contract check (response) → send.

import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import sodium from 'libsodium-wrappers';
import { AccessApp } from './access-app.ts';
import { Clock } from './clock.ts';
import { CloudflareApi } from './cloudflare/api.ts';
import { ContractMonitor } from './contract-monitor.ts';
import type { ContractMode, ContractViolation } from './contract-monitor.ts';
import { loadContractChecker } from './contracts.ts';
import { ControlApi } from './control-api.ts';
import { FaultInjector, describeFault } from './faults.ts';
import type { ApiName } from './faults.ts';
import { loadFixture } from './fixture.ts';
import type { Fixture } from './fixture.ts';
import { GitHubApi } from './github/api.ts';
import type { ApiModule, ApiRequest, ApiResponse } from './http-types.ts';
import { RequestLog, preciseNow } from './request-log.ts';
import type { RequestRecord } from './request-log.ts';

export interface EmulatorOptions {
  /** A fixture object or the path of a JSON fixture file; default: empty state. */
  fixture?: Fixture | string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** true records violations; 'strict' also answers 500 for each. */
  contractCheck?: boolean | 'strict';
  /** Where the OpenAPI files are; default ../shared/contracts beside the project. */
  contractsDir?: string;
}

export interface Emulator {
  readonly url: string;
  readonly cloudflareApiUrl: string;
  readonly githubApiUrl: string;
  readonly accessAppUrl: string;
  readonly controlUrl: string;
  readonly clock: Clock;
  readonly cloudflare: CloudflareApi;
  readonly github: GitHubApi;
  readonly faults: FaultInjector;
  /** 'skipped' when contract checking was asked for but the contracts are missing. */
  readonly contractCheck: 'off' | 'active' | 'skipped';
  requests(): RequestRecord[];
  resetRequests(): void;
  contractViolations(): ContractViolation[];
  resetContractViolations(): void;
  close(): Promise<void>;
}

const PREFIXES: ReadonlyArray<readonly [string, ApiName | 'control']> = [
  ['/cloudflare/client/v4', 'cloudflare'],
  ['/github', 'github'],
  ['/access', 'access'],
  ['/_emulator', 'control']
];

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  await sodium.ready;
  const fixture = loadFixture(options.fixture);
  const clock = new Clock({
    ...(fixture.startAt === undefined ? {} : { start: fixture.startAt }),
    frozen: fixture.frozenClock ?? false
  });
  let url = '';
  const cloudflare = new CloudflareApi(clock, fixture.cloudflare ?? {});
  const github = new GitHubApi(clock, fixture.github ?? {}, () => `${url}/github`);
  const access = new AccessApp(cloudflare, () => `${url}/access/login`);
  const mode: ContractMode =
    options.contractCheck === 'strict' ? 'strict' : options.contractCheck ? 'record' : 'off';
  const contracts = new ContractMonitor(
    mode,
    mode === 'off'
      ? undefined
      : loadContractChecker(options.contractsDir === undefined ? {} : { dir: options.contractsDir })
  );
  const faults = new FaultInjector();
  const log = new RequestLog();
  const control = new ControlApi({ clock, cloudflare, github, faults, log, contracts });
  const modules: Record<ApiName, ApiModule> = { cloudflare, github, access };

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { error: `emulator bug: ${String(error)}` } });
      else res.destroy();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const rawPath = target.split('?')[0] ?? '/';
    const prefix = PREFIXES.find(([p]) => rawPath === p || rawPath.startsWith(`${p}/`));
    if (!prefix) {
      send(res, {
        status: 404,
        body: { error: `nothing at ${rawPath}; APIs live under ${PREFIXES.map(([p]) => p).join(', ')}` }
      });
      return;
    }
    const [base, api] = prefix;
    const head = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: rawPath.slice(base.length) || '/',
      query: Object.fromEntries(new URLSearchParams(target.split('?')[1] ?? ''))
    };
    if (api === 'control') {
      send(res, await control.handle(await readRequest(req, head)));
      return;
    }
    // Logged on arrival, before the body is read, so the timing covers the whole exchange.
    const record = log.start({ api, ...head });
    res.on('close', () => {
      record.endedAt = preciseNow();
    });
    const apiReq = await readRequest(req, head);
    const response = await respond(api, modules[api], apiReq, record);
    if (response === 'drop') {
      req.socket.destroy();
      return;
    }
    record.status = response.status;
    send(res, response);
  }

  async function respond(
    api: ApiName,
    module: ApiModule,
    req: ApiRequest,
    record: RequestRecord
  ): Promise<ApiResponse | 'drop'> {
    const fault = faults.next({ api, method: req.method, path: req.path });
    if (fault) record.fault = describeFault(fault);
    // Unreferenced: a held request must not keep a test process alive after close().
    if (fault?.delayMs) await sleep(fault.delayMs, undefined, { ref: false });
    const contractApi = api === 'access' ? undefined : api;
    const rejected = contractApi && contracts.checkRequest(contractApi, req);
    if (rejected) return rejected;
    if (fault && !fault.afterEffect) {
      if (fault.drop) return 'drop';
      if (fault.status !== undefined) return module.faultResponse(fault);
    }
    const response = await module.handle(req);
    if (fault?.afterEffect) {
      // The change has been applied; the caller never learns that from this response.
      return fault.drop ? 'drop' : module.faultResponse(fault);
    }
    // Injected fault responses are deliberately off-contract, so only real responses are checked.
    return (contractApi && contracts.checkResponse(contractApi, req, response)) || response;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${host}:${address.port}`;

  return {
    url,
    cloudflareApiUrl: `${url}/cloudflare/client/v4`,
    githubApiUrl: `${url}/github`,
    accessAppUrl: `${url}/access/app`,
    controlUrl: `${url}/_emulator`,
    clock,
    cloudflare,
    github,
    faults,
    contractCheck: contracts.status,
    requests: () => log.all(),
    resetRequests: () => log.reset(),
    contractViolations: () => contracts.violations(),
    resetContractViolations: () => contracts.reset(),
    close: () => closeServer(server)
  };
}

async function readRequest(
  req: IncomingMessage,
  head: Pick<ApiRequest, 'method' | 'path' | 'query'>
): Promise<ApiRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const base = { ...head, headers: req.headers };
  if (text.trim() === '') return { ...base, body: undefined };
  try {
    return { ...base, body: JSON.parse(text) as unknown };
  } catch {
    return { ...base, body: undefined, bodyError: 'the request body is not valid JSON' };
  }
}

function send(res: ServerResponse, response: ApiResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | undefined;
  if (response.body !== undefined && response.status !== 204 && response.status !== 304) {
    const isText = typeof response.body === 'string';
    payload = isText ? (response.body as string) : JSON.stringify(response.body);
    headers['content-type'] ??= isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive connections would otherwise hold close() open for seconds.
    server.closeAllConnections();
  });
}
