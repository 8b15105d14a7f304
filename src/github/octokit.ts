import * as core from '@actions/core';
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
// The light build, which the throttling plugin itself uses: one copy of Bottleneck in the bundle, not two.
import Bottleneck from 'bottleneck/light.js';
import { OffOriginRequestError } from '../errors.js';
import type { Timing } from '../settings/settings.js';

/** How often a rate-limited request is tried again before the target counts as failed. */
const RATE_LIMIT_RETRIES = 4;
const WRITE_MARGIN_MS = 25;

/**
 * fetch with a deadline per request; an abandoned request fails like a dropped connection and is retried.
 * A write also leaves at least `writeGapMs` after the answer to the previous write arrived: the limiter spaces
 * the starts of its jobs, but a job that starts late (a busy event loop, a slow connection) would otherwise
 * reach GitHub too soon after the one before, which its secondary rate limit refuses.
 */
/** GitHub's GraphQL endpoint (GitHub Enterprise Server: /api/graphql). */
function isGraphql(input: Parameters<typeof fetch>[0]): boolean {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return /\/graphql(?:\?|$)/.test(url);
}

function pacedFetch(timeoutMs: number, writeGapMs: number): typeof fetch {
  let lastWrite = -Infinity;
  return async (input, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    // A GraphQL query is a POST that reads: it is not paced as a write.
    const write = writeGapMs > 0 && method !== 'GET' && method !== 'HEAD' && !isGraphql(input);
    const wait = write ? lastWrite + writeGapMs - performance.now() : 0;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      return await fetch(input, {
        ...init,
        signal: init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline
      });
    } finally {
      if (write) lastWrite = performance.now();
    }
  };
}

/** The origin of a URL, or the text itself when it does not parse (never equal to a real origin). */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * github-token goes only to github-api-url's origin. Octokit's paginate follows the `Link: rel="next"` URL as
 * given, so a misbehaving API or proxy could otherwise point it, token and all, at any host.
 */
function sameOriginOnly(octokit: InstanceType<typeof GitHub>, baseUrl: string): void {
  const allowed = new URL(baseUrl).origin;
  octokit.hook.before('request', (options) => {
    const { url } = octokit.request.endpoint.parse(options);
    const origin = originOf(url);
    if (origin === allowed) return;
    throw new OffOriginRequestError(
      `GitHub's answer led to a request to ${origin.slice(0, 200)}, outside github-api-url (${allowed}); it was refused and github-token was not sent.`,
      'Check github-api-url and any proxy between the runner and GitHub: GitHub links only to its own API.'
    );
  });
}

/**
 * The client @actions/github's getOctokit builds (Octokit core with pagination), from the same packages at the
 * versions it depends on, plus retry and throttling; built here rather than through getOctokit, whose module loads
 * undici and sets up a proxy agent at import time (the proxy variables are honoured for all of the action's
 * requests instead, see proxy.ts). Requests name their routes (`octokit.request('GET /repos/…')`, typed by
 * @octokit/types) instead of the REST methods plugin, whose table of every GitHub endpoint was a third of the
 * rotation's chunk and about 10 ms of each start.
 */
const GitHub = Octokit.plugin(paginateRest, retry, throttling);

/** The user agent @actions/github sends: the runner's orchestration id, when there is one. */
function userAgent(env: NodeJS.ProcessEnv): string | undefined {
  const id = env['ACTIONS_ORCHESTRATION_ID']?.trim();
  return id ? `actions_orchestration_id/${id.replace(/[^a-z0-9_.-]/gi, '_')}` : undefined;
}

export interface OctokitSettings {
  readonly token: string;
  readonly baseUrl: string;
  readonly timing: Timing;
}

/**
 * The one place that builds the GitHub client. Throttling paces writes one at a time (GitHub's guidance for
 * mutating requests) and waits out primary and secondary rate limits; retry handles 5xx and dropped
 * connections. 429 is left to throttling so that the two plugins never retry the same response twice.
 */
export function createOctokit(settings: OctokitSettings) {
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      options: { method: string; url: string },
      _octokit: unknown,
      retryCount: number
    ): boolean => {
      const again = retryCount < RATE_LIMIT_RETRIES;
      core.info(
        `GitHub ${kind} rate limit on ${options.method} ${options.url}: ${again ? `waiting ${retryAfter}s before trying again` : 'giving up'}.`
      );
      return again;
    };
  const agent = userAgent(process.env);
  const octokit = new GitHub({
    auth: `token ${settings.token}`,
    ...(agent && { userAgent: agent }),
    baseUrl: settings.baseUrl,
    log: { debug: core.debug, info: core.debug, warn: core.warning, error: core.error },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      retryAfterBaseValue: settings.timing.retryBaseMs,
      // A little over the interval: the limiter spaces its slots, and a request leaves a few ms after its slot.
      write: new Bottleneck.Group({
        maxConcurrent: 1,
        minTime: settings.timing.writeIntervalMs && settings.timing.writeIntervalMs + WRITE_MARGIN_MS
      })
    },
    retry: {
      doNotRetry: [400, 401, 403, 404, 409, 410, 422, 429, 451],
      retryAfterBaseValue: settings.timing.retryBaseMs
    },
    // Octokit has no request timeout of its own: a hung connection would hold the run until the job's limit.
    request: {
      fetch: pacedFetch(
        settings.timing.requestTimeoutMs,
        settings.timing.writeIntervalMs && settings.timing.writeIntervalMs + WRITE_MARGIN_MS
      )
    }
  });
  sameOriginOnly(octokit, settings.baseUrl);
  return octokit;
}

export type GitHubClient = ReturnType<typeof createOctokit>;
