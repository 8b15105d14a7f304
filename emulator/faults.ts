// Scripted faults: "the 2nd PUT to this secret gets a 502", "every GitHub call waits 50 ms", "drop the
// connection after the rotate took effect". Rules are matched per request, in the order they were added.

export type ApiName = 'cloudflare' | 'github' | 'access';

export interface Fault {
  /** Answer with this status (429, 403, 500, 502, 503, ...) instead of the real response. */
  status?: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** GitHub only: a 403 with the secondary-rate-limit message. */
  secondaryRateLimit?: boolean;
  /** Wait this long before handling (combines with the others). */
  delayMs?: number;
  /** Destroy the connection without any response. */
  drop?: boolean;
  /** Apply the request first, then fail (status or drop): a lost response the caller must read back to detect. */
  afterEffect?: boolean;
}

export interface FaultRule {
  api?: ApiName;
  /** Case-insensitive. */
  method?: string;
  /** Exact API-relative path (raw or decoded), or a pattern tested against the raw path. */
  path?: string | RegExp;
  /** 1-based number, among requests this rule matches, of the first call to fault (default 1). */
  nth?: number;
  /** How many consecutive matching calls to fault from nth on (default 1); 'always' for all of them. */
  times?: number | 'always';
  fault: Fault;
}

export interface RequestIdentity {
  api: ApiName;
  method: string;
  path: string;
}

interface ActiveRule {
  id: number;
  rule: FaultRule;
  seen: number;
  fired: number;
}

export class FaultInjector {
  readonly #rules: ActiveRule[] = [];
  #nextId = 1;

  /** Adds a rule and returns its id (for remove). */
  add(rule: FaultRule): number {
    validate(rule);
    const id = this.#nextId;
    this.#nextId += 1;
    this.#rules.push({ id, rule, seen: 0, fired: 0 });
    return id;
  }

  remove(id: number): boolean {
    const index = this.#rules.findIndex((active) => active.id === id);
    if (index >= 0) this.#rules.splice(index, 1);
    return index >= 0;
  }

  clear(): void {
    this.#rules.length = 0;
  }

  list(): Array<{ id: number; rule: FaultRule; seen: number; fired: number }> {
    return this.#rules.map((active) => ({ ...active }));
  }

  /**
   * Called once per request. Every matching rule counts the call (so nth means "nth matching call" even when
   * another rule fired); the first rule that is due supplies the fault.
   */
  next(request: RequestIdentity): Fault | undefined {
    let chosen: Fault | undefined;
    for (const active of this.#rules) {
      if (!matches(active.rule, request)) continue;
      active.seen += 1;
      const { nth = 1, times = 1 } = active.rule;
      const due = active.seen >= nth && (times === 'always' || active.fired < times);
      if (due && !chosen) {
        active.fired += 1;
        chosen = active.rule.fault;
      }
    }
    return chosen;
  }
}

/** A short label for the request log, e.g. "429", "drop", "delay 200ms", "502 after effect". */
export function describeFault(fault: Fault): string {
  const parts = [
    ...(fault.delayMs ? [`delay ${fault.delayMs}ms`] : []),
    ...(fault.drop ? ['drop'] : []),
    ...(fault.status ? [`${fault.status}${fault.secondaryRateLimit ? ' secondary rate limit' : ''}`] : [])
  ];
  return `${parts.join(' + ')}${fault.afterEffect ? ' after effect' : ''}`;
}

function matches(rule: FaultRule, request: RequestIdentity): boolean {
  if (rule.api && rule.api !== request.api) return false;
  if (rule.method && rule.method.toUpperCase() !== request.method.toUpperCase()) return false;
  if (rule.path === undefined) return true;
  if (rule.path instanceof RegExp) return rule.path.test(request.path);
  return rule.path === request.path || rule.path === safeDecode(request.path);
}

function validate(rule: FaultRule): void {
  const { fault } = rule;
  if (!fault.drop && fault.status === undefined && fault.delayMs === undefined) {
    throw new Error('a fault needs status, drop or delayMs');
  }
  if (
    fault.status !== undefined &&
    (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599)
  ) {
    throw new Error(`fault status must be an HTTP status, got ${fault.status}`);
  }
  if (fault.afterEffect && !fault.drop && fault.status === undefined) {
    throw new Error('afterEffect needs a status or drop to replace the real response');
  }
  if (rule.nth !== undefined && (!Number.isInteger(rule.nth) || rule.nth < 1))
    throw new Error('nth must be >= 1');
  if (
    rule.times !== undefined &&
    rule.times !== 'always' &&
    (!Number.isInteger(rule.times) || rule.times < 1)
  ) {
    throw new Error("times must be >= 1 or 'always'");
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
