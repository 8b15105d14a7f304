/** The run's clock: real in production, a fake in tests, so waits and deadlines are testable. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export interface RetryTiming {
  /** How long to keep trying, from the first attempt. */
  readonly timeoutMs: number;
  /** The first wait; each later one doubles, up to `maxWaitMs`. */
  readonly baseMs: number;
  readonly maxWaitMs: number;
}

/** One try: done with a value, or a problem in words and another try wanted. */
export type Attempt<T> =
  { readonly done: true; readonly value: T } | { readonly done: false; readonly problem: string };

/**
 * Tries until an attempt is done or the next wait would pass the deadline; resolves with the value, or
 * with the last problem. `onRetry` hears each problem with the wait before the next try.
 */
export async function retryUntilDeadline<T>(
  clock: Clock,
  timing: RetryTiming,
  attempt: (number: number) => Promise<Attempt<T>>,
  onRetry: (problem: string, waitMs: number) => void = () => undefined
): Promise<{ ok: true; value: T } | { ok: false; problem: string }> {
  const deadline = clock.now().getTime() + timing.timeoutMs;
  for (let number = 1; ; number++) {
    const outcome = await attempt(number);
    if (outcome.done) return { ok: true, value: outcome.value };
    const wait = Math.min(timing.baseMs * 2 ** (number - 1), timing.maxWaitMs);
    if (clock.now().getTime() + wait > deadline) return { ok: false, problem: outcome.problem };
    onRetry(outcome.problem, wait);
    await clock.sleep(wait);
  }
}
