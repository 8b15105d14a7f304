// Runs one API token scenario: a run of dist/index.js with faults (and maybe a SIGKILL after the first change
// on Cloudflare), a healthy re-run, and one more healthy run that must change nothing, against a fresh emulator
// behind the recording proxy. The invariants, adapted to API tokens:
//   1  a target whose value works keeps a working value after every request (strategy replace: always, also
//      across a SIGKILL; strategy roll: except for the value the run's own roll kills, the gap it accepts), and
//      a value the run wrote works at its end;
//   2  a run that exits 0 leaves every target holding the working value of the token it reports (token-id);
//   3  the healthy re-run exits 0 and leaves exactly one token named alike, whose value every target holds;
//   4  no token value in the log, the job summary or the outputs;
//   5  at most one create or roll per run, and no orphan after a run that exited 0;
//   6  a second healthy run is `unchanged` and sends no change.

import type { Emulator } from '../../emulator/server.ts';
import type { DistRun } from '../run-dist.ts';
import type { ArrivalDecision, Exchange, RecordingProxy } from './proxy.ts';
import {
  DAY,
  KillSwitch,
  afterExchange,
  allViolations,
  checkAgainAndHang,
  firedFaults,
  healed,
  inWorld,
  iso,
  runReport,
  runWatched,
  shortHash,
  type RunKind,
  type RunReport,
  type ScenarioOptions,
  type ScenarioReport,
  type Violation,
  type Watch
} from './runner.ts';
import { tokensBase, type ApiTargetStart, type ApiTokenScenarioConfig } from './api-token-scenario.ts';
import {
  API_SECRET_NAME,
  API_TOKEN_NAME,
  API_TOKEN_POLICY,
  apiHolding,
  apiTokenFixture,
  deployPolicies,
  namedApiTokens,
  type ApiHolding
} from './api-token-world.ts';
import { ACCOUNT, CF_TOKEN, GH_TOKEN, type TargetDef } from './world.ts';

/** Outcomes the protocol cannot avoid; counted and explained in the report, not flagged. */
export const API_TOKEN_LIMITS = {
  'self-roll-lost':
    "strategy roll with cloudflare-api-token = the rolled token: the run rolled the value and then died or failed before writing the workflow's own secret (or the roll's answer was lost), so the value the workflow runs with is dead; no run can heal that, a person must put a new token in place (the action says so)",
  'expired-left':
    'an expired token named alike stays after the healthy re-run: Cloudflare lists expired tokens only with include_expired, so the action never sees it; it authenticates nothing'
} as const;
export type ApiTokenLimit = keyof typeof API_TOKEN_LIMITS;

/** Seeds the tokens named 'deploy' and the targets; returns every value it put anywhere. */
async function seedWorld(emu: Emulator, config: ApiTokenScenarioConfig): Promise<string[]> {
  const now = emu.clock.nowMs();
  const seeded: string[] = [];
  const self = config.runAs === 'self';
  const spec = {
    name: API_TOKEN_NAME,
    owner: config.owner,
    ...(config.owner === 'account' ? { account: ACCOUNT } : {}),
    policies: deployPolicies(config.owner, self, emu.cloudflare.userId)
  };
  const longAgo = now - 100 * DAY;
  const recently = now - 10 * 60_000;
  let current: { value: string; since: number } | undefined;
  let older: string | undefined;
  let rolledAway: string | undefined;
  const seed = (issuedOn: number, expiresOn: number): { id: string; value: string } => {
    const token = emu.cloudflare.seedApiToken({
      ...spec,
      issuedOn: iso(issuedOn),
      expiresOn: iso(expiresOn)
    });
    seeded.push(token.value);
    return token;
  };
  switch (config.token) {
    case 'missing':
      break;
    case 'fresh':
    case 'expiring':
    case 'expired': {
      const expires = { fresh: now + 200 * DAY, expiring: now + 10 * DAY, expired: now - DAY }[config.token];
      current = { value: seed(longAgo, expires).value, since: longAgo };
      break;
    }
    case 'half-done':
      older = seed(longAgo, now + 200 * DAY).value;
      current = { value: seed(recently, now + 365 * DAY).value, since: recently };
      break;
    case 'orphan':
      current = { value: seed(longAgo, now + 200 * DAY).value, since: longAgo };
      seed(recently, now + 365 * DAY);
      break;
    case 'half-rolled': {
      const token = seed(longAgo, now + 200 * DAY);
      rolledAway = token.value;
      // A roll ten minutes ago, through the API (modified_on moves with it).
      emu.clock.advance(recently - now);
      const response = await fetch(`${emu.cloudflareApiUrl}${tokensBase(config.owner)}/${token.id}/value`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${CF_TOKEN}`, 'content-type': 'application/json' },
        body: '{}'
      });
      emu.clock.advance(now - recently);
      const body = (await response.json()) as { result?: unknown };
      if (typeof body.result !== 'string') throw new Error(`seeding a roll failed: ${JSON.stringify(body)}`);
      current = { value: body.result, since: recently };
      seeded.push(current.value);
      break;
    }
  }
  config.targets.forEach(({ def, start }, index) => {
    const placed = targetValue(start, { current, older, rolledAway }, () => {
      const value = `cfut_deleted${config.seed.toString(36)}x${index}${Math.random().toString(36).slice(2, 14)}`;
      seeded.push(value);
      return value;
    });
    if (placed === undefined) return;
    const writtenAt =
      start === 'current'
        ? (current?.since ?? longAgo) + 30_000
        : start === 'stale'
          ? longAgo - 20 * DAY
          : longAgo + 30_000;
    emu.github.seedSecret({ ...def.scope, name: API_SECRET_NAME, value: placed, updatedAt: iso(writtenAt) });
  });
  return seeded;
}

function targetValue(
  start: ApiTargetStart,
  values: {
    current: { value: string } | undefined;
    older: string | undefined;
    rolledAway: string | undefined;
  },
  dead: () => string
): string | undefined {
  switch (start) {
    case 'missing':
      return undefined;
    case 'stale':
      return dead();
    case 'current':
      return values.current?.value ?? dead();
    case 'older':
      return values.older ?? dead();
    case 'rolled-away':
      return values.rolledAway ?? dead();
  }
}

/** Every API token value the emulator holds right now (the management token's included). */
function collectValues(emu: Emulator, into: Set<string>, ids: Map<string, string>): void {
  for (const token of emu.cloudflare.apiTokens()) {
    into.add(token.value);
    ids.set(token.value, token.id);
  }
}

/** Names a value by its token (and a short hash, never a part of it). */
function describeValue(emu: Emulator, held: ApiHolding, ids: ReadonlyMap<string, string>): string {
  if (held.value === undefined) return 'no value';
  const hash = shortHash(held.value);
  const id = held.tokenId ?? ids.get(held.value);
  const live = held.tokenId ? emu.cloudflare.apiToken(held.tokenId) : undefined;
  const what = live
    ? `the value of token ${live.id} (${live.status})`
    : id
      ? `an old value of token ${id} (${emu.cloudflare.apiToken(id) ? 'rolled since' : 'deleted'})`
      : 'a value of no known token';
  return `${what} #${hash} (${held.works ? 'accepted' : 'not accepted'})`;
}

class ApiRunWatch implements Watch {
  readonly exchanges: Exchange[] = [];
  readonly violations: Violation[] = [];
  readonly issued = { create: 0, roll: 0 };
  /** Values this run's roll killed: losing one of them is the gap strategy roll accepts. */
  readonly rolledAway = new Set<string>();
  /** Targets that lost access across the roll (by design). */
  readonly gaps = new Set<string>();
  readonly start: Map<string, ApiHolding>;
  /** What each target held the last time its value worked (undefined: it has not worked since the run began). */
  readonly #working = new Map<string, ApiHolding | undefined>();
  readonly #lostAccess = new Set<string>();

  readonly kind: RunKind;
  readonly emu: Emulator;
  readonly config: ApiTokenScenarioConfig;
  readonly values: Set<string>;
  readonly ids: Map<string, string>;
  readonly kill: KillSwitch;

  constructor(
    kind: RunKind,
    emu: Emulator,
    config: ApiTokenScenarioConfig,
    known: { values: Set<string>; ids: Map<string, string> },
    kill: ApiTokenScenarioConfig['kill']
  ) {
    this.kind = kind;
    this.emu = emu;
    this.config = config;
    this.values = known.values;
    this.ids = known.ids;
    this.kill = new KillSwitch(kill);
    this.start = new Map(config.targets.map(({ def }) => [def.line, apiHolding(emu, def)]));
    for (const [label, held] of this.start) this.#working.set(label, held.works ? held : undefined);
  }

  onArrival(exchange: Exchange): ArrivalDecision {
    this.exchanges.push(exchange);
    const base = tokensBase(this.config.owner);
    if (exchange.api === 'cloudflare' && exchange.method === 'POST' && exchange.path === base)
      this.issued.create += 1;
    const roll = /\/tokens\/([0-9a-f]{32})\/value$/.exec(exchange.path);
    if (exchange.api === 'cloudflare' && exchange.method === 'PUT' && roll) {
      this.issued.roll += 1;
      const token = this.emu.cloudflare.apiToken(roll[1] as string);
      if (token) this.rolledAway.add(token.value);
    }
    // The stage here: the create, roll, renewal, or the delete of a leftover.
    return this.kill.onArrival(exchange);
  }

  onServed(exchange: Exchange): void {
    collectValues(this.emu, this.values, this.ids);
    this.checkAccess(afterExchange(exchange));
  }

  /** Invariant 1 between requests: a target that works keeps working (strategy roll: but for the rolled value). */
  checkAccess(when: string): void {
    for (const { def } of this.config.targets) {
      const label = def.line;
      const now = apiHolding(this.emu, def);
      const was = this.#working.get(label);
      this.#working.set(label, now.works ? now : undefined);
      if (!was || now.works) continue;
      if (this.config.strategy === 'roll' && now.value !== undefined && this.rolledAway.has(now.value)) {
        this.gaps.add(label);
        continue;
      }
      if (this.#lostAccess.has(label)) continue;
      this.#lostAccess.add(label);
      const since = was.value === this.start.get(label)?.value ? 'since the start' : 'written in this run';
      this.violations.push({
        invariant: 1,
        run: this.kind,
        detail: `${label} lost access ${when}: it held ${describeValue(this.emu, was, this.ids)} (${since}) and now holds ${describeValue(this.emu, now, this.ids)}`
      });
    }
  }
}

/** Every target holds the working value of the one listed token named alike. */
function allCurrent(emu: Emulator, config: ApiTokenScenarioConfig): boolean {
  const listed = namedApiTokens(emu, config.owner).filter((token) => token.status !== 'expired');
  return (
    listed.length === 1 &&
    config.targets.every(({ def }) => {
      const held = apiHolding(emu, def);
      return held.works && held.tokenId === listed[0]?.id;
    })
  );
}

function checkRunEnd(watch: ApiRunWatch, run: DistRun, limits: Set<ApiTokenLimit>): void {
  const { emu, config, kind } = watch;
  const add = (invariant: Violation['invariant'], detail: string): void => {
    watch.violations.push({ invariant, run: kind, detail });
  };
  watch.checkAccess('at the end of the run');
  const named = namedApiTokens(emu, config.owner);
  const listed = named.filter((token) => token.status !== 'expired');
  const ids = listed.map((token) => token.id).join(', ') || 'none';
  if (watch.issued.create + watch.issued.roll > 1)
    add(5, `${watch.issued.create} create and ${watch.issued.roll} roll request(s) were sent in one run`);
  if (run.exitCode === 0 && listed.length !== 1)
    add(5, `the run exited 0 but ${listed.length} tokens named '${API_TOKEN_NAME}' exist (${ids})`);
  const reported = run.outputs['token-id'];
  for (const { def } of config.targets) {
    const label = def.line;
    const start = watch.start.get(label) as ApiHolding;
    const now = apiHolding(emu, def);
    const describe = (): string => describeValue(emu, now, watch.ids);
    if (now.value !== undefined && now.value !== start.value && !now.works)
      add(1, `${label} was written in this run and holds a value that does not work: ${describe()}`);
    if (run.exitCode === 0 && !(now.works && now.tokenId === reported))
      add(2, `the run exited 0 (token-id ${reported ?? '-'}) but ${label} holds ${describe()}`);
    if (kind === 'heal' && !(listed.length === 1 && now.works && now.tokenId === listed[0]?.id))
      add(
        3,
        `after the healthy re-run ${label} holds ${describe()} (tokens named '${API_TOKEN_NAME}': ${ids})`
      );
  }
  if (kind === 'heal') {
    if (run.exitCode !== 0) add(3, `the healthy re-run exited ${run.exitCode ?? run.signal}`);
    if (listed.length !== 1)
      add(3, `after the healthy re-run ${listed.length} tokens named '${API_TOKEN_NAME}' exist (${ids})`);
    if (named.length > listed.length) limits.add('expired-left');
  }
  checkAgainAndHang(watch, run);
}

function inputs(
  config: ApiTokenScenarioConfig,
  emu: Emulator,
  proxyUrl: string,
  mode: string
): Record<string, string> {
  const home = config.targets[0] as { def: TargetDef };
  const apiToken =
    config.runAs === 'self'
      ? (emu.github.secretPlaintext({ ...home.def.scope, name: API_SECRET_NAME }) ?? '')
      : CF_TOKEN;
  return {
    'cloudflare-api-token': apiToken,
    'github-token': GH_TOKEN,
    credential: 'api-token',
    strategy: config.strategy,
    ...(config.owner === 'account' ? { 'account-id': ACCOUNT } : {}),
    'token-name': API_TOKEN_NAME,
    'api-token-policy': API_TOKEN_POLICY,
    mode,
    targets: config.targets.map(({ def }) => def.line).join('\n'),
    'cloudflare-api-url': `${proxyUrl}/cloudflare/client/v4`,
    'github-api-url': `${proxyUrl}/github`
  };
}

async function runOnce(
  kind: RunKind,
  emu: Emulator,
  proxy: RecordingProxy,
  config: ApiTokenScenarioConfig,
  known: { values: Set<string>; ids: Map<string, string> },
  limits: Set<ApiTokenLimit>,
  options: ScenarioOptions = {}
): Promise<{ watch: ApiRunWatch; run: DistRun; report: RunReport }> {
  const watch = new ApiRunWatch(kind, emu, config, known, kind === 'faulty' ? config.kill : undefined);
  const mode = kind === 'faulty' ? config.mode : 'auto';
  const run = await runWatched(emu, proxy, watch, inputs(config, emu, proxy.url, mode), options);
  collectValues(emu, known.values, known.ids);
  checkRunEnd(watch, run, limits);
  return { watch, run, report: runReport(watch, run, allCurrent(emu, config)) };
}

/**
 * Running as the rolled token, its own secret holds a value the run's roll killed: the workflow cannot run
 * again (API_TOKEN_LIMITS['self-roll-lost']). Any other dead value there is a violation found elsewhere.
 */
function selfRollLost(emu: Emulator, config: ApiTokenScenarioConfig, watch: ApiRunWatch): boolean {
  if (config.runAs !== 'self' || config.strategy !== 'roll') return false;
  const home = apiHolding(emu, (config.targets[0] as { def: TargetDef }).def);
  return !home.works && home.value !== undefined && watch.rolledAway.has(home.value);
}

export async function runApiTokenScenario(
  config: ApiTokenScenarioConfig,
  options: ScenarioOptions = {}
): Promise<ScenarioReport> {
  const started = performance.now();
  return inWorld(apiTokenFixture(config.runAs === 'account' ? 'account' : 'user'), async (emu, proxy) => {
    const known = { values: new Set(await seedWorld(emu, config)), ids: new Map<string, string>() };
    collectValues(emu, known.values, known.ids);
    for (const planned of config.faults) emu.faults.add(planned.rule);
    const limits = new Set<ApiTokenLimit>();

    const faulty = await runOnce('faulty', emu, proxy, config, known, limits, options);
    emu.faults.clear();
    // The roll's gap: targets that lost access across it, and those the run gave a working value again.
    const faultyGaps = {
      lost: faulty.watch.gaps.size,
      restored: config.targets.filter(
        ({ def }) => faulty.watch.gaps.has(def.line) && apiHolding(emu, def).works
      ).length
    };
    const done = [faulty];
    if (selfRollLost(emu, config, faulty.watch)) limits.add('self-roll-lost');
    else {
      emu.clock.advance(config.pauseMs);
      const heal = await runOnce('heal', emu, proxy, config, known, limits);
      done.push(heal);
      emu.clock.advance(config.pauseMs);
      if (heal.run.exitCode === 0) done.push(await runOnce('again', emu, proxy, config, known, limits));
    }
    const violations = allViolations(done, known.values);
    return {
      config,
      runs: done.map(({ report }) => report),
      violations,
      lockouts: [],
      limits: [...limits],
      rollGaps: faultyGaps,
      firedFaults: firedFaults(emu),
      killed: faulty.watch.kill.killedAt !== undefined,
      healed: healed(done[1], violations),
      durationMs: performance.now() - started
    };
  });
}
