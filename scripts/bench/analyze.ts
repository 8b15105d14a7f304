// Turns the emulator's request log of one run into counts by kind and timing figures.

import type { RequestRecord } from '../../emulator/request-log.ts';
import { REAL_PACING_MS } from './options.ts';
import { median } from './table.ts';

export const CALL_KINDS = [
  'cf.verify',
  'cf.verifyNew',
  'cf.list',
  'cf.get',
  'cf.groups',
  'cf.create',
  'cf.rotate',
  'cf.roll',
  'cf.update',
  'cf.delete',
  'cf.other',
  'gh.publicKey',
  'gh.secretList',
  'gh.repository',
  'gh.variables',
  'gh.secretWrite',
  'gh.other'
] as const;
export type CallKind = (typeof CALL_KINDS)[number];

/** The API token collections: the user's, or an account's. */
const API_TOKENS = String.raw`^(?:/user|/accounts/[^/]+)/tokens`;
const apiTokens = (rest: string): RegExp => new RegExp(`${API_TOKENS}${rest}$`);
/** One API token by id (not the verify or permission_groups endpoints beside them). */
const API_TOKEN = String.raw`/(?!verify$|permission_groups$)[^/]+`;

/**
 * The kind of one API request, from its method and API-relative path. Service-token and API-token calls of
 * the same kind (list, get, create, update) share it. A verify is 'cf.verify' here: which value it verifies
 * follows from its place in the run (see countCalls).
 */
export function callKind(request: Pick<RequestRecord, 'api' | 'method' | 'path'>): CallKind | undefined {
  const { api, method, path } = request;
  if (api === 'cloudflare') {
    if (method === 'GET' && /\/tokens\/verify$/.test(path)) return 'cf.verify';
    if (method === 'GET' && /\/access\/service_tokens$/.test(path)) return 'cf.list';
    if (method === 'GET' && /\/access\/service_tokens\/[^/]+$/.test(path)) return 'cf.get';
    if (method === 'POST' && /\/access\/service_tokens$/.test(path)) return 'cf.create';
    if (method === 'POST' && /\/access\/service_tokens\/[^/]+\/rotate$/.test(path)) return 'cf.rotate';
    if (method === 'PUT' && /\/access\/service_tokens\/[^/]+$/.test(path)) return 'cf.update';
    if (method === 'GET' && apiTokens('/permission_groups').test(path)) return 'cf.groups';
    if (method === 'GET' && apiTokens('').test(path)) return 'cf.list';
    if (method === 'GET' && apiTokens(API_TOKEN).test(path)) return 'cf.get';
    if (method === 'POST' && apiTokens('').test(path)) return 'cf.create';
    if (method === 'PUT' && apiTokens(`${API_TOKEN}/value`).test(path)) return 'cf.roll';
    if (method === 'PUT' && apiTokens(API_TOKEN).test(path)) return 'cf.update';
    if (method === 'DELETE' && apiTokens(API_TOKEN).test(path)) return 'cf.delete';
    return 'cf.other';
  }
  if (api === 'github') {
    if (method === 'GET' && /\/secrets\/public-key$/.test(path)) return 'gh.publicKey';
    if (method === 'GET' && /\/secrets$/.test(path)) return 'gh.secretList';
    if (method === 'GET' && /^\/repos\/[^/]+\/[^/]+$/.test(path)) return 'gh.repository';
    // The archived check and organization access: up to 100 repositories per GraphQL query.
    if (method === 'POST' && GRAPHQL.test(path)) return 'gh.repository';
    if (method === 'GET' && /\/variables(\/[^/]+)?$/.test(path)) return 'gh.variables';
    if (method === 'PUT' && /\/secrets\/[^/]+$/.test(path)) return 'gh.secretWrite';
    return 'gh.other';
  }
  return undefined;
}

/** GitHub's GraphQL endpoint (GHES: /api/graphql); a query reads, it never writes. */
const GRAPHQL = /^(?:\/api)?\/graphql$/;

export type CallCounts = Record<CallKind, number>;

/**
 * Counts one run's calls by kind. The request log has no headers, so the two verifies of an API token run are
 * told apart by their place: cloudflare-api-token is verified while the run observes, before it changes
 * anything; a verify after the run's first successful create or roll is of the value that call issued.
 */
export function countCalls(requests: readonly RequestRecord[]): CallCounts {
  const counts = Object.fromEntries(CALL_KINDS.map((kind) => [kind, 0])) as CallCounts;
  let issued = false;
  for (const request of [...requests].sort((a, b) => a.seq - b.seq)) {
    let kind = callKind(request);
    if (kind === 'cf.verify' && issued) kind = 'cf.verifyNew';
    if ((kind === 'cf.create' || kind === 'cf.roll') && request.status >= 200 && request.status < 300) {
      issued = true;
    }
    if (kind) counts[kind] += 1;
  }
  return counts;
}

/** GitHub answers that mean "rate limited": 429, and 403 (the benchmark's worlds have no other cause of 403). */
export function rateLimitAnswers(requests: readonly RequestRecord[]): number {
  return requests.filter(
    (request) => request.api === 'github' && (request.status === 429 || request.status === 403)
  ).length;
}

export interface WriteTiming {
  /** Mutating GitHub requests (PUT, POST, PATCH, DELETE), in order of arrival. */
  readonly count: number;
  /** Pairs where a write started before the previous one had been answered. */
  readonly overlaps: number;
  /** Start-to-start gaps between consecutive writes, ms. */
  readonly gaps: readonly number[];
  readonly medianGapMs: number;
  readonly minGapMs: number;
  readonly firstStart: number | undefined;
  readonly lastStart: number | undefined;
}

export function writeTiming(requests: readonly RequestRecord[]): WriteTiming {
  const writes = requests
    .filter(
      (request) =>
        request.api === 'github' &&
        request.method !== 'GET' &&
        request.method !== 'HEAD' &&
        !GRAPHQL.test(request.path)
    )
    .sort((a, b) => a.startedAt - b.startedAt);
  let overlaps = 0;
  const gaps: number[] = [];
  for (let index = 1; index < writes.length; index++) {
    const previous = writes[index - 1] as RequestRecord;
    const current = writes[index] as RequestRecord;
    // A write still in flight has no endedAt: it overlaps anything that starts after it.
    if (current.startedAt < (previous.endedAt ?? Number.POSITIVE_INFINITY)) overlaps += 1;
    gaps.push(current.startedAt - previous.startedAt);
  }
  return {
    count: writes.length,
    overlaps,
    gaps,
    medianGapMs: median(gaps),
    minGapMs: gaps.length ? Math.min(...gaps) : Number.NaN,
    firstStart: writes[0]?.startedAt,
    lastStart: writes.at(-1)?.startedAt
  };
}

export interface PacingFigures {
  /** (writes − 1) × interval: no run with this pacing can be faster. */
  readonly boundMs: number;
  /** Spawn → first write, and last write start → exit. */
  readonly beforeWritesMs: number;
  readonly afterWritesMs: number;
  /** The same run at the real pacing: each gap between writes becomes max(REAL_PACING_MS, the gap measured). */
  readonly projected1sMs: number;
  readonly bound1sMs: number;
}

export function pacingFigures(
  timing: WriteTiming,
  intervalMs: number,
  spawnAt: number,
  wallMs: number
): PacingFigures {
  const end = spawnAt + wallMs;
  const writes = timing.count;
  const beforeWritesMs = (timing.firstStart ?? end) - spawnAt;
  const afterWritesMs = timing.lastStart === undefined ? 0 : end - timing.lastStart;
  const paced = timing.gaps.reduce((sum, gap) => sum + Math.max(REAL_PACING_MS, gap), 0);
  return {
    boundMs: Math.max(0, writes - 1) * intervalMs,
    beforeWritesMs,
    afterWritesMs,
    projected1sMs: writes ? beforeWritesMs + paced + afterWritesMs : wallMs,
    bound1sMs: Math.max(0, writes - 1) * REAL_PACING_MS
  };
}
