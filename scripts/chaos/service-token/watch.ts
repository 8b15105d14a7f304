// Watches one service token run request by request: counts the calls that issue a new secret (invariant 5),
// collects every secret Cloudflare hands out (invariant 4), and checks that a target that worked keeps working
// (invariant 1), except for the protocol-limit lockouts it counts instead.

import type { Emulator } from '../../../emulator/server.ts';
import type { Exchange } from '../proxy.ts';
import { shortHash } from '../harness/checks.ts';
import type { KillPlan } from '../harness/faults.ts';
import type { RunKind } from '../harness/types.ts';
import { Watch } from '../harness/watch.ts';
import type { TargetDef } from '../harness/world.ts';
import type { ScenarioConfig } from './scenario.ts';
import { holding, namedTokens, type Holding, type TokenView } from './world.ts';

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

/** Names a secret by its role (and a short hash, never a part of it), e.g. "the previous secret #1a2b3c4d". */
export function describeHolding(held: Holding, token: TokenView | undefined): string {
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

interface TargetStartState {
  readonly def: TargetDef;
  readonly holding: Holding;
  /** It worked only thanks to the previous secret's grace (so a rotation in this run must end that). */
  readonly onPreviousSecret: boolean;
}

export class ServiceTokenWatch extends Watch {
  readonly lockouts = new Map<string, { from: number; to: number | undefined }>();
  readonly issued = { create: 0, rotate: 0 };
  readonly start: TargetStartState[];
  /** The service token as the run found it. */
  readonly startToken: TokenView | undefined;

  readonly emu: Emulator;
  readonly config: ScenarioConfig;
  readonly secrets: Set<string>;

  constructor(
    kind: RunKind,
    emu: Emulator,
    config: ScenarioConfig,
    secrets: Set<string>,
    kill: KillPlan | undefined
  ) {
    super(kind, kill);
    this.emu = emu;
    this.config = config;
    this.secrets = secrets;
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

  // The stage here: the renewal or the create/rotate.
  protected noteArrival(exchange: Exchange): void {
    const issuing = issuingKind(exchange, this.emu);
    if (issuing) this.issued[issuing] += 1;
  }

  protected noteServed(exchange: Exchange): void {
    const secret = (exchange.responseBody as { result?: { client_secret?: unknown } } | undefined)?.result
      ?.client_secret;
    if (typeof secret === 'string') this.secrets.add(secret);
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
      this.lostAccess(
        label,
        () =>
          `${label} lost access ${when}: it held ${describeHolding(start.holding, this.startToken)} at the start and now holds ${describeHolding(now, token)}`
      );
    }
  }
}
