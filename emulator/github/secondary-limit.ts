// GitHub's secondary rate limit on mutating requests, as its guidance describes it: one write at a time per
// identity and at least a second between writes. A write that overlaps another of the same token, or starts too
// soon after the last one, is refused with 403 and retry-after, as GitHub does. Off unless a fixture sets it;
// the counters let tests and the benchmark prove that the action's writes stayed apart.

import { preciseNow } from '../request-log.ts';
import { GitHubError } from './errors.ts';

export interface SecondaryLimitFixture {
  /** Least time between the starts of two writes of one identity (default 1000, GitHub's guidance). */
  minIntervalMs?: number;
  /** The retry-after of a refusal, in seconds (default 60). */
  retryAfterSeconds?: number;
}

export interface SecondaryLimitStats {
  /** Writes seen (refused ones included). */
  writes: number;
  /** Writes that arrived while another write of the same identity was being handled. */
  overlaps: number;
  /** Writes refused for overlapping or for coming too soon. */
  refusals: number;
  /** Smallest and largest time between the starts of two accepted writes of one identity; null before two. */
  minGapMs: number | null;
  maxGapMs: number | null;
}

const MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';
const DOCS =
  'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class SecondaryLimiter {
  readonly #fixture: SecondaryLimitFixture | undefined;
  readonly #inFlight = new Map<string, number>();
  readonly #lastStart = new Map<string, number>();
  #stats: SecondaryLimitStats = SecondaryLimiter.#empty();

  constructor(fixture: SecondaryLimitFixture | undefined) {
    this.#fixture = fixture;
  }

  static #empty(): SecondaryLimitStats {
    return { writes: 0, overlaps: 0, refusals: 0, minGapMs: null, maxGapMs: null };
  }

  get enabled(): boolean {
    return this.#fixture !== undefined;
  }

  stats(): SecondaryLimitStats {
    return { ...this.#stats };
  }

  reset(): void {
    this.#stats = SecondaryLimiter.#empty();
    this.#lastStart.clear();
  }

  /** Wraps the handling of one request: refuses a write that breaks the limit, else runs `handle`. */
  async around<T>(method: string, identity: string | undefined, handle: () => Promise<T>): Promise<T> {
    if (!this.#fixture || !MUTATING.has(method)) return handle();
    const who = identity ?? '';
    const now = preciseNow();
    this.#stats.writes += 1;
    const overlapping = (this.#inFlight.get(who) ?? 0) > 0;
    if (overlapping) this.#stats.overlaps += 1;
    const last = this.#lastStart.get(who);
    const gap = last === undefined ? undefined : now - last;
    if (overlapping || (gap !== undefined && gap < (this.#fixture.minIntervalMs ?? 1000))) {
      this.#stats.refusals += 1;
      throw new GitHubError(403, MESSAGE, {
        documentationUrl: DOCS,
        headers: { 'retry-after': String(this.#fixture.retryAfterSeconds ?? 60) }
      });
    }
    if (gap !== undefined) {
      this.#stats.minGapMs = Math.min(this.#stats.minGapMs ?? gap, gap);
      this.#stats.maxGapMs = Math.max(this.#stats.maxGapMs ?? gap, gap);
    }
    this.#lastStart.set(who, now);
    this.#inFlight.set(who, (this.#inFlight.get(who) ?? 0) + 1);
    try {
      return await handle();
    } finally {
      this.#inFlight.set(who, (this.#inFlight.get(who) ?? 1) - 1);
    }
  }
}
