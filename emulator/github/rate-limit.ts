// GitHub's primary rate limit for the "core" resource: headers on every response, a counter that goes down with
// each request, and 403/429 with x-ratelimit-remaining: 0 once it is used up. The window restarts an hour after
// it began, on the emulator's clock; x-ratelimit-reset is reported on the caller's real clock (real now + time
// left in the window), because clients such as Octokit compute their wait from Date.now().

import type { Clock } from '../clock.ts';
import { GitHubError } from './errors.ts';

export interface RateLimitFixture {
  /** Requests per window (default 5000). */
  limit?: number;
  /** What is left in the first window (default: limit). */
  remaining?: number;
  /** GitHub answers an exhausted limit with 403 or 429; default 403. */
  exhaustedStatus?: 403 | 429;
  /** Window length (default 3600). */
  windowSeconds?: number;
}

export class RateLimiter {
  readonly #clock: Clock;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #exhaustedStatus: 403 | 429;
  #remaining: number;
  #resetMs: number;

  constructor(clock: Clock, fixture: RateLimitFixture = {}) {
    this.#clock = clock;
    this.#limit = fixture.limit ?? 5000;
    this.#remaining = fixture.remaining ?? this.#limit;
    this.#windowMs = (fixture.windowSeconds ?? 3600) * 1000;
    this.#exhaustedStatus = fixture.exhaustedStatus ?? 403;
    this.#resetMs = clock.nowMs() + this.#windowMs;
  }

  /** Counts one request, or throws the primary-rate-limit error when none are left. */
  consume(): void {
    this.#roll();
    if (this.#remaining <= 0) {
      throw new GitHubError(
        this.#exhaustedStatus,
        'API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID.',
        {
          documentationUrl: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
          headers: this.headers()
        }
      );
    }
    this.#remaining -= 1;
  }

  headers(): Record<string, string> {
    this.#roll();
    return {
      'x-ratelimit-limit': String(this.#limit),
      'x-ratelimit-remaining': String(this.#remaining),
      'x-ratelimit-reset': String(this.#resetEpochSeconds()),
      'x-ratelimit-used': String(this.#limit - this.#remaining),
      'x-ratelimit-resource': 'core'
    };
  }

  /** GET /rate_limit body. */
  overview(): Record<string, unknown> {
    this.#roll();
    const core = {
      limit: this.#limit,
      remaining: this.#remaining,
      reset: this.#resetEpochSeconds(),
      used: this.#limit - this.#remaining
    };
    // Only "core" is modelled; the other resources GitHub lists are reported untouched.
    const untouched = (limit: number) => ({ limit, remaining: limit, reset: core.reset, used: 0 });
    return { resources: { core, search: untouched(30), graphql: untouched(5000) }, rate: core };
  }

  #resetEpochSeconds(): number {
    return realResetSeconds(this.#resetMs - this.#clock.nowMs());
  }

  #roll(): void {
    const now = this.#clock.nowMs();
    if (now >= this.#resetMs) {
      this.#remaining = this.#limit;
      this.#resetMs = now + this.#windowMs;
    }
  }
}

/** Epoch seconds, on the real clock, of a moment `inMs` from now. */
export function realResetSeconds(inMs: number): number {
  return Math.ceil((Date.now() + Math.max(0, inMs)) / 1000);
}
