// Runs one scenario: a run of dist/index.js with faults (and maybe a SIGKILL between stage and finish), a
// healthy re-run, and one more healthy run that must change nothing, all against a fresh emulator behind a
// recording proxy. Checks the invariants after every request the emulator served and after every run.

import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fixture } from '../../emulator/fixture.ts';
import { startEmulator, type Emulator } from '../../emulator/server.ts';
import { runDist, visibleLog, type DistRun } from '../run-dist.ts';
import {
  startProxy,
  type ArrivalDecision,
  type Exchange,
  type ProxyHooks,
  type RecordingProxy
} from './proxy.ts';
import type { ApiTokenScenarioConfig } from './api-token-scenario.ts';
import { GRACE, type KillPlan, type ScenarioConfig, type TargetStart } from './scenario.ts';
import {
  ACCOUNT,
  CF_TOKEN,
  CLIENT_ID_NAME,
  CLIENT_SECRET_NAME,
  GH_TOKEN,
  TOKEN_NAME,
  ZONE,
  fixture,
  holding,
  namedTokens,
  type Holding,
  type TargetDef,
  type TokenView
} from './world.ts';

export type RunKind = 'faulty' | 'heal' | 'again';

export interface Violation {
  /** 1–5 as in the brief; 6: a second auto run after a successful one changes nothing (DESIGN). */
  readonly invariant: 1 | 2 | 3 | 4 | 5 | 6 | 'hang';
  readonly run: RunKind;
  readonly detail: string;
}

/** A consumer locked out only because Cloudflare keeps a single previous secret (see the report). */
export interface ProtocolLockout {
  readonly run: RunKind;
  readonly target: string;
  /** How long it lasted within the run, in ms of wall time; undefined when it outlasted the run. */
  readonly durationMs: number | undefined;
}

export interface RunReport {
  readonly kind: RunKind;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly result: string | undefined;
  readonly killedAt: string | undefined;
  /** Every target holds the current client id and secret at the end of the run. */
  readonly allTargetsCurrent: boolean;
  /** The last ::error:: line (the one that failed the run), if any. */
  readonly error: string | undefined;
  readonly durationMs: number;
  readonly log: string;
  readonly requests: string[];
}

export interface ScenarioReport {
  readonly config: ScenarioConfig | ApiTokenScenarioConfig;
  readonly runs: RunReport[];
  readonly violations: Violation[];
  readonly lockouts: ProtocolLockout[];
  /** Fault labels as the emulator logged them, one per faulted request. */
  readonly firedFaults: string[];
  readonly killed: boolean;
  readonly healed: boolean;
  readonly durationMs: number;
  /** API tokens: outcomes the protocol cannot avoid (api-token-runner.ts API_TOKEN_LIMITS), not violations. */
  readonly limits?: readonly string[];
  /** API tokens, strategy roll: targets that lost access across the faulty run's roll (by design), and how many of them held a working value again when it ended. */
  readonly rollGaps?: { readonly lost: number; readonly restored: number };
}

export const RUN_TIMEOUT_MS = 90_000;

export const TIMING_ENV = {
  // dist/index.js is a 5 MB bundle: compiling it once, not in every run, saves a good part of each run.
  NODE_COMPILE_CACHE: join(tmpdir(), 'rotator-chaos-compile-cache'),
  GITHUB_REPOSITORY: 'octo-org/web',
  ROTATOR_WRITE_INTERVAL_MS: '0',
  ROTATOR_RETRY_BASE_MS: '5',
  ROTATOR_VERIFY_TIMEOUT_MS: '3000',
  ROTATOR_REQUEST_TIMEOUT_MS: '1500'
};

export const DAY = 86_400_000;
export const iso = (ms: number): string => new Date(ms).toISOString();
/** A short hash of a secret, to tell secrets apart in a report without showing any part of one. */
export const shortHash = (value: string): string =>
  createHash('sha256').update(value).digest('hex').slice(0, 8);
const randomSecret = (tag: string, seed: number, index: number): string =>
  `seeded-${tag}-${seed.toString(36)}-${index}-${Math.random().toString(36).slice(2, 14)}`;

/** Puts the scenario's starting state in place; returns every secret it seeded. */
function seedWorld(emu: Emulator, config: ScenarioConfig): string[] {
  const now = emu.clock.nowMs();
  const seeded: string[] = [];
  const scope = config.zoneScope ? { zone: ZONE } : { account: ACCOUNT };
  let token: { clientId: string; clientSecret: string } | undefined;
  let previous: string | undefined;
  let rotatedAt = now - 5 * DAY;
  if (config.token !== 'missing') {
    previous = randomSecret('previous', config.seed, 0);
    const times = {
      fresh: { rotated: now - 5 * DAY, expires: now + 200 * DAY, previousUntil: now - 5 * DAY + 3_600_000 },
      expiring: {
        rotated: now - 40 * DAY,
        expires: now + 10 * DAY,
        previousUntil: now - 40 * DAY + 3_600_000
      },
      expired: { rotated: now - 60 * DAY, expires: now - DAY, previousUntil: now - 60 * DAY + 3_600_000 },
      'in-grace': { rotated: now - 10 * 60_000, expires: now + 200 * DAY, previousUntil: now + 50 * 60_000 }
    }[config.token];
    rotatedAt = times.rotated;
    const issued = emu.cloudflare.seedToken({
      ...scope,
      name: TOKEN_NAME,
      duration: '8760h',
      createdAt: iso(now - 300 * DAY),
      updatedAt: iso(times.rotated),
      expiresAt: iso(times.expires),
      clientSecretVersion: 3,
      previousClientSecret: previous,
      previousClientSecretExpiresAt: iso(times.previousUntil)
    });
    token = issued;
    seeded.push(issued.clientSecret, previous);
  }
  config.targets.forEach(({ def, start }, index) => {
    const values = targetValues(start, token, previous, () => {
      const secret = randomSecret(start, config.seed, index);
      seeded.push(secret);
      return secret;
    });
    const writtenAt = start === 'current' ? rotatedAt + 30_000 : rotatedAt - 20 * DAY;
    if (values.clientId !== undefined) {
      if (config.clientIdAsVariable)
        emu.github.seedVariable({
          ...def.scope,
          name: CLIENT_ID_NAME,
          value: values.clientId,
          updatedAt: iso(writtenAt)
        });
      else
        emu.github.seedSecret({
          ...def.scope,
          name: CLIENT_ID_NAME,
          value: values.clientId,
          updatedAt: iso(writtenAt)
        });
    }
    if (values.clientSecret !== undefined)
      emu.github.seedSecret({
        ...def.scope,
        name: CLIENT_SECRET_NAME,
        value: values.clientSecret,
        updatedAt: iso(writtenAt)
      });
  });
  return seeded;
}

function targetValues(
  start: TargetStart,
  token: { clientId: string; clientSecret: string } | undefined,
  previous: string | undefined,
  fresh: () => string
): { clientId?: string; clientSecret?: string } {
  switch (start) {
    case 'missing':
      return {};
    case 'leftover':
      return { clientId: `deleted-${fresh()}.access`, clientSecret: fresh() };
    case 'id-only':
      return { clientId: token?.clientId };
    case 'current':
      return { clientId: token?.clientId, clientSecret: token?.clientSecret };
    case 'previous':
      return { clientId: token?.clientId, clientSecret: previous };
    case 'stale':
      return { clientId: token?.clientId, clientSecret: fresh() };
  }
}

function inputs(config: ScenarioConfig, proxyUrl: string, mode: string): Record<string, string> {
  return {
    'cloudflare-api-token': CF_TOKEN,
    'github-token': GH_TOKEN,
    ...(config.zoneScope ? { 'zone-id': ZONE } : { 'account-id': ACCOUNT }),
    'token-name': TOKEN_NAME,
    mode,
    targets: config.targets.map(({ def }) => def.line).join('\n'),
    'previous-secret-grace': GRACE,
    'revoke-previous': String(config.revokePrevious),
    'client-id-as-variable': String(config.clientIdAsVariable),
    ...(config.verify ? { 'verify-url': `${proxyUrl}/access/app` } : {}),
    'cloudflare-api-url': `${proxyUrl}/cloudflare/client/v4`,
    'github-api-url': `${proxyUrl}/github`
  };
}

/** create, rotate, or a PUT that bumps client_secret_version: the calls that issue a new secret. */
function issuingKind(exchange: Exchange, emu: Emulator): 'create' | 'rotate' | undefined {
  if (exchange.api !== 'cloudflare') return undefined;
  if (exchange.method === 'POST' && /\/access\/service_tokens$/.test(exchange.path)) return 'create';
  if (exchange.method === 'POST' && /\/access\/service_tokens\/[^/]+\/rotate$/.test(exchange.path))
    return 'rotate';
  const put = /\/access\/service_tokens\/([^/]+)$/.exec(exchange.path);
  if (exchange.method === 'PUT' && put) {
    const requested = (exchange.body as { client_secret_version?: unknown } | undefined)
      ?.client_secret_version;
    const current = emu.cloudflare.token(decodeURIComponent(put[1] as string))?.clientSecretVersion;
    if (requested !== undefined && requested !== current) return 'rotate';
  }
  return undefined;
}

/**
 * Kills the action at the planned request, counted from the first change on Cloudflare (the stage: a create,
 * rotate, roll or renewal, or a delete) on, so that the kill lands between the stage and the finish.
 */
export class KillSwitch {
  killedAt: string | undefined;
  child: ChildProcess | undefined;
  #staged = false;
  #sinceStage = 0;
  readonly #plan: KillPlan | undefined;

  constructor(plan: KillPlan | undefined) {
    this.#plan = plan;
  }

  onArrival(exchange: Exchange): ArrivalDecision {
    if (!this.#plan || this.killedAt !== undefined || exchange.api === 'other') return 'pass';
    if (!this.#staged) {
      if (exchange.api !== 'cloudflare' || exchange.method === 'GET') return 'pass';
      this.#staged = true;
    } else this.#sinceStage += 1;
    if (this.#sinceStage !== this.#plan.after || !this.child) return 'pass';
    this.killedAt = `${exchange.method} ${exchange.api} ${exchange.path} (${this.#plan.forward ? 'the request still reached the emulator' : 'the request never left'})`;
    this.child.kill('SIGKILL');
    return this.#plan.forward ? 'kill-and-forward' : 'kill-and-drop';
  }
}

/** What watches one run of the action, request by request: the proxy's hooks and what they record. */
export interface Watch extends ProxyHooks {
  readonly kind: RunKind;
  readonly exchanges: Exchange[];
  readonly violations: Violation[];
  readonly kill: KillSwitch;
}

/** "after PUT github /repos/… → 502": when a check between two requests found something. */
export const afterExchange = (exchange: Exchange): string =>
  `after ${exchange.method} ${exchange.api} ${exchange.path} → ${exchange.dropped ? 'dropped' : exchange.status}`;

interface TargetStartState {
  readonly def: TargetDef;
  readonly holding: Holding;
  /** It worked only thanks to the previous secret's grace (so a rotation in this run must end that). */
  readonly onPreviousSecret: boolean;
}

class RunWatch implements Watch {
  readonly exchanges: Exchange[] = [];
  readonly violations: Violation[] = [];
  readonly lockouts = new Map<string, { from: number; to: number | undefined }>();
  readonly issued = { create: 0, rotate: 0 };
  readonly start: TargetStartState[];
  /** The service token as the run found it. */
  readonly startToken: TokenView | undefined;
  readonly #lostAccess = new Set<string>();

  readonly kind: RunKind;
  readonly emu: Emulator;
  readonly config: ScenarioConfig;
  readonly secrets: Set<string>;
  readonly kill: KillSwitch;

  constructor(
    kind: RunKind,
    emu: Emulator,
    config: ScenarioConfig,
    secrets: Set<string>,
    kill: ScenarioConfig['kill']
  ) {
    this.kind = kind;
    this.emu = emu;
    this.config = config;
    this.secrets = secrets;
    this.kill = new KillSwitch(kill);
    const [token] = namedTokens(emu, config.zoneScope);
    this.startToken = token;
    this.start = config.targets.map(({ def }) => {
      const held = holding(emu, def, config.clientIdAsVariable);
      return {
        def,
        holding: held,
        onPreviousSecret: held.works && held.clientSecret !== token?.clientSecret
      };
    });
  }

  onArrival(exchange: Exchange): ArrivalDecision {
    this.exchanges.push(exchange);
    const issuing = issuingKind(exchange, this.emu);
    if (issuing) this.issued[issuing] += 1;
    // The stage here: the renewal or the create/rotate.
    return this.kill.onArrival(exchange);
  }

  onServed(exchange: Exchange): void {
    const secret = (exchange.responseBody as { result?: { client_secret?: unknown } } | undefined)?.result
      ?.client_secret;
    if (typeof secret === 'string') this.secrets.add(secret);
    this.checkAccess(afterExchange(exchange));
  }

  /** Invariant 1 between requests: a target that worked keeps working, unless the protocol itself ends its secret. */
  checkAccess(when: string): void {
    const [token] = namedTokens(this.emu, this.config.zoneScope);
    for (const start of this.start) {
      if (!start.holding.works) continue;
      const label = start.def.line;
      const now = holding(this.emu, start.def, this.config.clientIdAsVariable);
      const window = this.lockouts.get(label);
      if (now.works) {
        if (window && window.to === undefined) window.to = performance.now();
        continue;
      }
      if (start.onPreviousSecret && token?.previousClientSecret !== start.holding.clientSecret) {
        if (!window) this.lockouts.set(label, { from: performance.now(), to: undefined });
        continue;
      }
      if (this.#lostAccess.has(label)) continue;
      this.#lostAccess.add(label);
      this.violations.push({
        invariant: 1,
        run: this.kind,
        detail: `${label} lost access ${when}: it held ${describeHolding(start.holding, this.startToken)} at the start and now holds ${describeHolding(now, token)}`
      });
    }
  }
}

/** Names a secret by its role (and a short hash, never a part of it), e.g. "the previous secret #1a2b3c4d". */
function describeHolding(held: Holding, token: TokenView | undefined): string {
  const id =
    held.clientId === undefined
      ? 'no client id'
      : held.clientId === token?.clientId
        ? "the token's client id"
        : `another client id (${held.clientId.slice(0, 12)}…)`;
  const secret =
    held.clientSecret === undefined
      ? 'no secret'
      : held.clientSecret === token?.clientSecret
        ? `the current secret #${shortHash(held.clientSecret)}`
        : held.clientSecret === token?.previousClientSecret
          ? `the previous secret #${shortHash(held.clientSecret)} (grace until ${token.previousClientSecretExpiresAt ?? '?'})`
          : `another secret #${shortHash(held.clientSecret)}`;
  return `${id} and ${secret} (${held.works ? 'accepted' : 'not accepted'})`;
}

function matchesToken(held: Holding, token: TokenView | undefined): boolean {
  return Boolean(
    token && held.works && held.clientId === token.clientId && held.clientSecret === token.clientSecret
  );
}

function allCurrent(emu: Emulator, config: ScenarioConfig): boolean {
  const tokens = namedTokens(emu, config.zoneScope);
  return (
    tokens.length === 1 &&
    config.targets.every(({ def }) => matchesToken(holding(emu, def, config.clientIdAsVariable), tokens[0]))
  );
}

/** Invariants 1, 2, 3, 5 and 6 at the end of a run (after the kill, once the emulator has answered everything). */
function checkRunEnd(watch: RunWatch, run: DistRun): void {
  const { emu, config, kind } = watch;
  const add = (invariant: Violation['invariant'], detail: string): void => {
    watch.violations.push({ invariant, run: kind, detail });
  };
  watch.checkAccess('at the end of the run');
  const tokens = namedTokens(emu, config.zoneScope);
  const token = tokens.length === 1 ? tokens[0] : undefined;
  if (tokens.length > 1)
    add(
      5,
      `${tokens.length} service tokens named '${TOKEN_NAME}' exist (ids ${tokens.map((t) => t.id).join(', ')})`
    );
  for (const kindOfCall of ['create', 'rotate'] as const) {
    if (watch.issued[kindOfCall] > 1)
      add(
        5,
        `${watch.issued[kindOfCall]} ${kindOfCall} requests (create/rotate/version-bump PUT) were sent in one run`
      );
  }
  for (const start of watch.start) {
    const label = start.def.line;
    const now = holding(emu, start.def, config.clientIdAsVariable);
    // Invariant 1, end of run: only what did not work before may still not work, and never as a new broken value.
    if (!now.works && !start.holding.works && now.clientSecret !== undefined) {
      const unchanged =
        now.clientSecret === start.holding.clientSecret && now.clientId === start.holding.clientId;
      const validSecret =
        token !== undefined && emu.cloudflare.authenticates(token.clientId, now.clientSecret);
      // A secret written but its client id not (yet): incomplete, acceptable only in a run that did not succeed.
      if (!unchanged && !(validSecret && run.exitCode !== 0))
        add(
          1,
          `${label} did not work before the run and now holds a secret that is not accepted: ${describeHolding(now, token)}`
        );
    }
    if (run.exitCode === 0 && !matchesToken(now, token))
      add(
        2,
        `the run exited 0 but ${label} does not hold the current secret: ${describeHolding(now, token)}${token ? '' : ` (${tokens.length} tokens named '${TOKEN_NAME}')`}`
      );
    if (kind === 'heal' && !matchesToken(now, token))
      add(
        3,
        `after the healthy re-run ${label} does not hold the current secret: ${describeHolding(now, token)}`
      );
  }
  if (kind === 'heal' && run.exitCode !== 0)
    add(3, `the healthy re-run exited ${run.exitCode ?? run.signal}`);
  checkAgainAndHang(watch, run);
}

/** The last checks at the end of any run: invariant 6 after the second healthy run, and a run that hung. */
export function checkAgainAndHang(watch: Watch, run: DistRun): void {
  const add = (invariant: Violation['invariant'], detail: string): void => {
    watch.violations.push({ invariant, run: watch.kind, detail });
  };
  if (watch.kind === 'again') {
    const changes = watch.exchanges.filter((exchange) => exchange.method !== 'GET');
    if (run.exitCode !== 0 || run.outputs.result !== 'unchanged' || changes.length)
      add(
        6,
        `a second auto run right after a successful one exited ${run.exitCode ?? run.signal} with result '${run.outputs.result ?? ''}' and sent ${changes.map((c) => `${c.method} ${c.api} ${c.path}`).join(', ') || 'no change'}`
      );
  }
  if (run.signal === 'SIGKILL' && watch.kill.killedAt === undefined)
    add('hang', `the run did not finish within ${RUN_TIMEOUT_MS / 1000} s and was killed`);
}

/** Invariant 4: no secret anywhere a runner shows or keeps. */
export function checkLeaks(
  runs: Array<{ kind: RunKind; run: DistRun }>,
  secrets: ReadonlySet<string>
): Violation[] {
  const violations: Violation[] = [];
  for (const { kind, run } of runs) {
    const places = {
      'stdout/stderr': visibleLog(run.stdout) + run.stderr,
      'job summary': run.summary,
      outputs: JSON.stringify(run.outputs)
    };
    for (const secret of secrets) {
      for (const [where, text] of Object.entries(places)) {
        if (secret && text.includes(secret))
          violations.push({
            invariant: 4,
            run: kind,
            detail: `a secret (${secret.slice(0, 10)}…) appears in the ${where}`
          });
      }
    }
  }
  return violations;
}

function allTokenSecrets(emu: Emulator, into: Set<string>): void {
  for (const token of emu.cloudflare.tokens()) {
    into.add(token.clientSecret);
    if (token.previousClientSecret) into.add(token.previousClientSecret);
  }
}

export interface ScenarioOptions {
  /**
   * Test hook to prove the checks catch a misbehaving action: called on every request of the faulty run as it
   * arrives, e.g. to send a second rotate behind the action's back.
   */
  readonly sabotage?: (exchange: Exchange, context: { emu: Emulator; proxyUrl: string }) => void;
}

/**
 * Runs dist/index.js once with the watch on the proxy (and, in the faulty run, the sabotage), and waits until the
 * emulator has answered every request it received.
 */
export async function runWatched(
  emu: Emulator,
  proxy: RecordingProxy,
  watch: Watch,
  inputs: Record<string, string>,
  options: ScenarioOptions = {}
): Promise<DistRun> {
  const { sabotage } = watch.kind === 'faulty' ? options : {};
  proxy.setHooks({
    onArrival: (exchange) => {
      const decision = watch.onArrival(exchange);
      sabotage?.(exchange, { emu, proxyUrl: proxy.url });
      return decision;
    },
    onServed: (exchange) => watch.onServed(exchange)
  });
  const run = await runDist({
    inputs,
    env: TIMING_ENV,
    timeoutMs: RUN_TIMEOUT_MS,
    onStart: (child) => {
      watch.kill.child = child;
    }
  });
  // The emulator goes on with what it received (a delayed write, the request the kill interrupted).
  await proxy.idle();
  proxy.setHooks(undefined);
  return run;
}

export function runReport(watch: Watch, run: DistRun, allTargetsCurrent: boolean): RunReport {
  return {
    kind: watch.kind,
    exitCode: run.exitCode,
    signal: run.signal,
    result: run.outputs.result,
    killedAt: watch.kill.killedAt,
    allTargetsCurrent,
    error: run.stdout
      .split('\n')
      .findLast((line) => line.startsWith('::error::'))
      ?.slice('::error::'.length),
    durationMs: run.durationMs,
    log: `${visibleLog(run.stdout)}${run.stderr ? `\n[stderr]\n${run.stderr}` : ''}`,
    requests: watch.exchanges.map(
      (exchange) =>
        `${exchange.method} ${exchange.api} ${exchange.path} → ${exchange.killedHere ? 'KILL ' : ''}${exchange.dropped ? 'dropped' : exchange.status}`
    )
  };
}

/** Every violation the runs' watches found, then those of invariant 4 (secrets in what a runner shows or keeps). */
export function allViolations(
  done: ReadonlyArray<{ watch: Watch; run: DistRun }>,
  secrets: ReadonlySet<string>
): Violation[] {
  return [
    ...done.flatMap(({ watch }) => watch.violations),
    ...checkLeaks(
      done.map(({ watch, run }) => ({ kind: watch.kind, run })),
      secrets
    )
  ];
}

/** Fault labels as the emulator logged them, one per faulted request. */
export function firedFaults(emu: Emulator): string[] {
  return emu
    .requests()
    .map((request) => request.fault)
    .filter((fault): fault is string => fault !== undefined);
}

/** The healthy re-run ran, exited 0, and left nothing that breaks invariant 3. */
export function healed(heal: { run: DistRun } | undefined, violations: readonly Violation[]): boolean {
  return (
    heal !== undefined &&
    heal.run.exitCode === 0 &&
    !violations.some((violation) => violation.invariant === 3)
  );
}

/** A fresh emulator with the fixture behind a recording proxy, for one scenario; both are closed after it. */
export async function inWorld<T>(
  fixture: Fixture,
  body: (emu: Emulator, proxy: RecordingProxy) => Promise<T>
): Promise<T> {
  const emu = await startEmulator({ fixture });
  const proxy = await startProxy(emu.url);
  try {
    return await body(emu, proxy);
  } finally {
    await proxy.close();
    await emu.close();
  }
}

async function runOnce(
  kind: RunKind,
  emu: Emulator,
  proxy: RecordingProxy,
  config: ScenarioConfig,
  secrets: Set<string>,
  options: ScenarioOptions = {}
): Promise<{ watch: RunWatch; run: DistRun; report: RunReport }> {
  const watch = new RunWatch(kind, emu, config, secrets, kind === 'faulty' ? config.kill : undefined);
  const mode = kind === 'faulty' ? config.mode : 'auto';
  const run = await runWatched(emu, proxy, watch, inputs(config, proxy.url, mode), options);
  allTokenSecrets(emu, secrets);
  checkRunEnd(watch, run);
  return { watch, run, report: runReport(watch, run, allCurrent(emu, config)) };
}

export async function runScenario(
  config: ScenarioConfig,
  options: ScenarioOptions = {}
): Promise<ScenarioReport> {
  const started = performance.now();
  return inWorld(fixture(), async (emu, proxy) => {
    const secrets = new Set(seedWorld(emu, config));
    allTokenSecrets(emu, secrets);
    for (const planned of config.faults) emu.faults.add(planned.rule);

    const faulty = await runOnce('faulty', emu, proxy, config, secrets, options);
    emu.faults.clear();
    emu.clock.advance(config.pauseMs);
    const heal = await runOnce('heal', emu, proxy, config, secrets);
    emu.clock.advance(config.pauseMs);
    const again = heal.run.exitCode === 0 ? await runOnce('again', emu, proxy, config, secrets) : undefined;

    const done = [faulty, heal, ...(again ? [again] : [])];
    const violations = allViolations(done, secrets);
    const lockouts = done.flatMap(({ watch }) =>
      [...watch.lockouts.entries()].map(([target, window]) => ({
        run: watch.kind,
        target,
        durationMs: window.to === undefined ? undefined : window.to - window.from
      }))
    );
    return {
      config,
      runs: done.map(({ report }) => report),
      violations,
      lockouts,
      firedFaults: firedFaults(emu),
      killed: faulty.watch.kill.killedAt !== undefined,
      healed: healed(heal, violations),
      durationMs: performance.now() - started
    };
  });
}
