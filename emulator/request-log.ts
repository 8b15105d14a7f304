// Every API request with its timing, so tests can count calls by kind and prove that writes never overlapped.
// Times are real wall-clock milliseconds (with fractions), not the adjustable emulator clock.

import type { ApiName } from './faults.ts';

export interface RequestRecord {
  /** Arrival order, from 1. */
  seq: number;
  api: ApiName;
  method: string;
  /** API-relative and still URL-encoded. */
  path: string;
  query: Record<string, string>;
  /** 0 while in flight, and for a dropped connection. */
  status: number;
  /** Set when a scripted fault applied, e.g. "429" or "drop". */
  fault?: string;
  startedAt: number;
  /** When the response was fully sent or the connection closed. */
  endedAt?: number;
}

export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

export class RequestLog {
  readonly #records: RequestRecord[] = [];
  #seq = 0;

  start(entry: Pick<RequestRecord, 'api' | 'method' | 'path' | 'query'>): RequestRecord {
    this.#seq += 1;
    const record: RequestRecord = { seq: this.#seq, ...entry, status: 0, startedAt: preciseNow() };
    this.#records.push(record);
    return record;
  }

  all(): RequestRecord[] {
    return this.#records.map((record) => ({ ...record }));
  }

  reset(): void {
    this.#records.length = 0;
  }
}
