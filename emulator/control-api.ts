// /_emulator: the same controls tests have in-process, over HTTP, for a separate process such as the built
// action or the demo script (clock, faults, request log, contract violations, seeding and inspection).

import type { Clock } from './clock.ts';
import type { CloudflareApi } from './cloudflare/api.ts';
import type { ServiceTokenSeed } from './cloudflare/service-tokens.ts';
import type { ContractMonitor } from './contract-monitor.ts';
import type { FaultInjector, FaultRule } from './faults.ts';
import type { GitHubApi } from './github/api.ts';
import type { SecretSeed } from './github/secrets.ts';
import type { VariableSeed } from './github/variables.ts';
import type { ApiRequest, ApiResponse } from './http-types.ts';
import type { RequestLog } from './request-log.ts';
import { Router } from './router.ts';

export interface ControlDeps {
  clock: Clock;
  cloudflare: CloudflareApi;
  github: GitHubApi;
  faults: FaultInjector;
  log: RequestLog;
  contracts: ContractMonitor;
}

/** Over HTTP a path pattern is sent as { "pathRegex": "^/repos/.*" }. */
type FaultRuleJson = Omit<FaultRule, 'path'> & { path?: string; pathRegex?: string };

export class ControlApi {
  readonly #router = new Router();

  constructor(deps: ControlDeps) {
    const { clock, cloudflare, github, faults, log, contracts } = deps;
    const ok = (body: unknown, status = 200): ApiResponse => ({ status, body });
    const noContent: ApiResponse = { status: 204 };
    const now = () => ok({ now: clock.now().toISOString() });

    this.#router
      .on('GET', '/health', () => ok({ ok: true, contractCheck: contracts.status }))
      .on('GET', '/clock', now)
      .on('POST', '/clock', (req) => {
        const body = record(req.body);
        if (typeof body['advanceMs'] === 'number') clock.advance(body['advanceMs']);
        else if (typeof body['now'] === 'string') clock.set(body['now']);
        else throw new Error('send {"advanceMs": number} or {"now": "RFC 3339 time"}');
        return now();
      })
      .on('GET', '/requests', () => ok(log.all()))
      .on('DELETE', '/requests', () => {
        log.reset();
        return noContent;
      })
      .on('GET', '/faults', () =>
        ok(faults.list().map(({ rule, ...rest }) => ({ ...rest, rule: ruleToJson(rule) })))
      )
      .on('POST', '/faults', (req) => {
        const rules = Array.isArray(req.body) ? req.body : [req.body];
        return ok({ ids: rules.map((rule) => faults.add(ruleFromJson(rule as FaultRuleJson))) }, 201);
      })
      .on('DELETE', '/faults', () => {
        faults.clear();
        return noContent;
      })
      .on('DELETE', '/faults/{id}', (_req, p) =>
        faults.remove(Number(p['id'])) ? noContent : ok({ error: 'no such fault' }, 404)
      )
      .on('GET', '/contract-violations', () => ok(contracts.violations()))
      .on('DELETE', '/contract-violations', () => {
        contracts.reset();
        return noContent;
      })
      .on('GET', '/cloudflare/profile', () => ok({ profile: cloudflare.profile }))
      .on('POST', '/cloudflare/profile', (req) => {
        const profile = record(req.body)['profile'];
        if (profile !== 'rich' && profile !== 'minimal')
          throw new Error('send {"profile": "rich" | "minimal"}');
        cloudflare.profile = profile;
        return ok({ profile });
      })
      .on('GET', '/cloudflare/tokens', () => ok(cloudflare.tokens()))
      .on('POST', '/cloudflare/tokens', (req) => ok(cloudflare.seedToken(req.body as ServiceTokenSeed), 201))
      .on('GET', '/cloudflare/access-policies/{id}', (_req, p) => {
        const policy = cloudflare.access.policy(p['id'] ?? '');
        return policy
          ? ok(cloudflare.access.json(policy, 'rich', 'app'))
          : ok({ error: 'no such policy' }, 404);
      })
      // Edits a policy right after its next (or nth) GET: { afterReads?: 1, set: { field: value, ... } }.
      .on('POST', '/cloudflare/access-policies/{id}/edit-after-read', (req, p) => {
        const body = record(req.body);
        const set = record(body['set']);
        const afterReads = typeof body['afterReads'] === 'number' ? body['afterReads'] : 1;
        cloudflare.access.editAfterRead(p['id'] ?? '', afterReads, (fields) => Object.assign(fields, set));
        return noContent;
      })
      .on('GET', '/github/secondary-rate-limit', () => ok(github.secondaryLimitStats()))
      .on('GET', '/github/secrets', () => ok(github.secrets()))
      .on('POST', '/github/secrets', (req) => {
        github.seedSecret(req.body as SecretSeed);
        return noContent;
      })
      .on('POST', '/github/variables', (req) => {
        github.seedVariable(req.body as VariableSeed);
        return noContent;
      });
  }

  async handle(req: ApiRequest): Promise<ApiResponse> {
    try {
      if (req.bodyError) throw new Error(req.bodyError);
      return (
        (await this.#router.dispatch(req)) ?? {
          status: 404,
          body: { error: `no control endpoint ${req.method} ${req.path}` }
        }
      );
    } catch (error) {
      return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
    }
  }
}

function ruleFromJson(json: FaultRuleJson): FaultRule {
  const { pathRegex, path, ...rest } = json;
  if (pathRegex !== undefined) return { ...rest, path: new RegExp(pathRegex) };
  return path === undefined ? rest : { ...rest, path };
}

function ruleToJson(rule: FaultRule): FaultRuleJson {
  const { path, ...rest } = rule;
  if (path instanceof RegExp) return { ...rest, pathRegex: path.source };
  return path === undefined ? rest : { ...rest, path };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
