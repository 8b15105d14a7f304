// One adjustable clock for both APIs, so tests can jump across expiry and grace windows instead of waiting.
// By default it keeps running at real speed from wherever it was last set; frozen, it moves only when told.

export interface ClockOptions {
  start?: Date | string;
  frozen?: boolean;
}

export class Clock {
  #offsetMs: number;
  #frozenAt: number | undefined;

  constructor(options: ClockOptions = {}) {
    const start = options.start === undefined ? Date.now() : parseDate(options.start);
    this.#offsetMs = start - Date.now();
    this.#frozenAt = options.frozen ? start : undefined;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return this.#frozenAt ?? Date.now() + this.#offsetMs;
  }

  advance(ms: number): Date {
    if (!Number.isFinite(ms)) throw new RangeError(`clock.advance needs a finite number of ms, got ${ms}`);
    return this.set(this.nowMs() + ms);
  }

  set(date: Date | string | number): Date {
    const target = typeof date === 'number' ? date : parseDate(date);
    if (this.#frozenAt === undefined) this.#offsetMs = target - Date.now();
    else this.#frozenAt = target;
    return new Date(target);
  }
}

function parseDate(value: Date | string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`not a valid date: ${String(value)}`);
  return ms;
}
