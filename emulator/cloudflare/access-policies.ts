// Access policies as Cloudflare keeps them: reusable policies of an account, and applications (of an account or
// a zone) with policies of their own plus references to reusable ones; the organization's inactivity setting.
// A PUT replaces the whole policy: a field the caller leaves out is gone afterwards, as in the real API.

import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { cloudflareTime } from '../timestamps.ts';
import { invalidInput, notFound } from './envelope.ts';
import type { TokenScope } from './service-tokens.ts';

export interface AccessPolicySeed {
  id?: string;
  name: string;
  decision?: string;
  include?: unknown[];
  exclude?: unknown[];
  require?: unknown[];
  /** Any other field of the policy (session_duration, approval_required, ...), kept as given. */
  fields?: Record<string, unknown>;
}

export interface AccessAppSeed {
  id?: string;
  name?: string;
  account?: string;
  zone?: string;
  /** Ids of reusable policies of the account that the application uses. */
  policies?: string[];
  /** Policies of this application only. */
  appPolicies?: AccessPolicySeed[];
}

export interface OrganizationSeed {
  account?: string;
  zone?: string;
  name?: string;
  serviceTokenInactivity?: {
    enabled: boolean;
    action: 'disable' | 'delete';
    inactivity_threshold_days: number;
  };
}

/** The fields a policy PUT may set; anything else in a body is ignored, as Cloudflare does. */
const WRITABLE = [
  'name',
  'decision',
  'include',
  'exclude',
  'require',
  'approval_groups',
  'approval_required',
  'connection_rules',
  'isolation_required',
  'mfa_config',
  'purpose_justification_prompt',
  'purpose_justification_required',
  'session_duration',
  'precedence'
];
const DECISIONS = ['allow', 'deny', 'non_identity', 'bypass'];

export interface StoredPolicy {
  id: string;
  /** Reusable: the account; app-scoped: the application's id. */
  owner: { account: string } | { app: string };
  createdAt: number;
  updatedAt: number;
  fields: Record<string, unknown>;
}

interface StoredApp {
  id: string;
  name: string;
  scope: TokenScope;
  policyIds: string[];
}

/** A test's edit, applied right after the policy's nth GET has been answered. */
interface PendingEdit {
  policyId: string;
  afterReads: number;
  edit: (fields: Record<string, unknown>) => void;
}

const isScope = (scope: TokenScope, other: TokenScope) =>
  'account' in scope
    ? 'account' in other && other.account === scope.account
    : 'zone' in other && other.zone === scope.zone;

export class AccessPolicyStore {
  readonly #clock: Clock;
  readonly #policies = new Map<string, StoredPolicy>();
  readonly #apps = new Map<string, StoredApp>();
  readonly #organizations: OrganizationSeed[] = [];
  readonly #edits: PendingEdit[] = [];
  readonly #reads = new Map<string, number>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  seedPolicy(seed: AccessPolicySeed, owner: StoredPolicy['owner']): StoredPolicy {
    const now = this.#clock.nowMs();
    const policy: StoredPolicy = {
      id: seed.id ?? randomUUID(),
      owner,
      createdAt: now,
      updatedAt: now,
      fields: {
        name: seed.name,
        decision: seed.decision ?? 'non_identity',
        include: seed.include ?? [],
        exclude: seed.exclude ?? [],
        require: seed.require ?? [],
        session_duration: '24h',
        ...seed.fields
      }
    };
    this.#policies.set(policy.id, policy);
    return policy;
  }

  seedApp(seed: AccessAppSeed): string {
    const scope: TokenScope = seed.zone ? { zone: seed.zone } : { account: seed.account ?? '' };
    const app: StoredApp = {
      id: seed.id ?? randomUUID(),
      name: seed.name ?? 'app',
      scope,
      policyIds: [...(seed.policies ?? [])]
    };
    for (const policy of seed.appPolicies ?? [])
      app.policyIds.push(this.seedPolicy(policy, { app: app.id }).id);
    this.#apps.set(app.id, app);
    return app.id;
  }

  seedOrganization(seed: OrganizationSeed): void {
    this.#organizations.push(seed);
  }

  organization(scope: TokenScope): OrganizationSeed | undefined {
    return this.#organizations.find((org) =>
      isScope(scope, org.zone ? { zone: org.zone } : { account: org.account ?? '' })
    );
  }

  /** GET of a reusable policy (appId undefined) or of an application's policy (its own or a reusable one). */
  read(scope: TokenScope, policyId: string, appId?: string): StoredPolicy {
    const policy = this.#find(scope, policyId, appId);
    const reads = (this.#reads.get(policyId) ?? 0) + 1;
    this.#reads.set(policyId, reads);
    return policy;
  }

  /** Applies the edits due after a read; called once the read's answer is built. */
  afterRead(policyId: string): void {
    const reads = this.#reads.get(policyId) ?? 0;
    for (const pending of this.#edits.filter((e) => e.policyId === policyId && e.afterReads === reads)) {
      const policy = this.#policies.get(policyId);
      if (policy) {
        pending.edit(policy.fields);
        policy.updatedAt = this.#clock.nowMs();
      }
      this.#edits.splice(this.#edits.indexOf(pending), 1);
    }
  }

  /** PUT: replaces every writable field with the body's; 400 when name, decision or include is bad. */
  replace(scope: TokenScope, policyId: string, body: Record<string, unknown>, appId?: string): StoredPolicy {
    const policy = this.#find(scope, policyId, appId);
    if (typeof body['name'] !== 'string' || !body['name']) throw invalidInput('name is required');
    if (typeof body['decision'] !== 'string' || !DECISIONS.includes(body['decision']))
      throw invalidInput(`decision must be one of ${DECISIONS.join(', ')}`);
    if (!Array.isArray(body['include']) || body['include'].length === 0)
      throw invalidInput('include must be a non-empty array of rules');
    policy.fields = Object.fromEntries(WRITABLE.filter((key) => key in body).map((key) => [key, body[key]]));
    policy.updatedAt = this.#clock.nowMs();
    return policy;
  }

  #find(scope: TokenScope, policyId: string, appId?: string): StoredPolicy {
    const policy = this.#policies.get(policyId);
    if (appId === undefined) {
      if (
        !policy ||
        !('account' in policy.owner) ||
        !('account' in scope) ||
        policy.owner.account !== scope.account
      )
        throw notFound('policy');
      return policy;
    }
    const app = this.#apps.get(appId);
    if (!app || !isScope(scope, app.scope)) throw notFound('application');
    if (!policy || !app.policyIds.includes(policyId)) throw notFound('policy');
    return policy;
  }

  /** The test hook: `edit` runs on the policy's fields right after its `afterReads`-th GET (counted from now on too). */
  editAfterRead(policyId: string, afterReads: number, edit: (fields: Record<string, unknown>) => void): void {
    this.#edits.push({ policyId, afterReads: (this.#reads.get(policyId) ?? 0) + afterReads, edit });
  }

  policy(policyId: string): StoredPolicy | undefined {
    return this.#policies.get(policyId);
  }

  /** Does any policy name this service token in include, exclude or require? */
  references(tokenId: string): boolean {
    return [...this.#policies.values()].some((policy) =>
      ['include', 'exclude', 'require'].some((field) =>
        rulesOf(policy, field).some((rule) => namesToken(rule, tokenId))
      )
    );
  }

  /** The application the emulated protected URL stands for: the first seeded one, if any. */
  get firstApp(): string | undefined {
    return this.#apps.keys().next().value;
  }

  /** Would the application let this token in: a Service Auth policy that includes it or any valid token? */
  admits(appId: string, tokenId: string): boolean {
    const app = this.#apps.get(appId);
    if (!app) return false;
    return app.policyIds.some((id) => {
      const policy = this.#policies.get(id);
      if (!policy || policy.fields['decision'] !== 'non_identity') return false;
      return rulesOf(policy, 'include').some(
        (rule) => namesToken(rule, tokenId) || (isRecord(rule) && 'any_valid_service_token' in rule)
      );
    });
  }

  /** The policy as GET and PUT answer; `via` the reusable or the application's path (they declare different fields). */
  json(policy: StoredPolicy, profile: 'rich' | 'minimal', via: 'reusable' | 'app'): Record<string, unknown> {
    return {
      id: policy.id,
      ...policy.fields,
      ...(via === 'reusable' ? { reusable: true, app_count: this.#appCount(policy.id) } : {}),
      created_at: cloudflareTime(policy.createdAt),
      updated_at: cloudflareTime(policy.updatedAt),
      // An older spelling of the id the docs still show; the SDK declares only id.
      ...(profile === 'rich' ? { uid: policy.id } : {})
    };
  }

  #appCount(policyId: string): number {
    return [...this.#apps.values()].filter((app) => app.policyIds.includes(policyId)).length;
  }
}

function rulesOf(policy: StoredPolicy, field: string): unknown[] {
  const value = policy.fields[field];
  return Array.isArray(value) ? value : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function namesToken(rule: unknown, tokenId: string): boolean {
  if (!isRecord(rule) || !isRecord(rule['service_token'])) return false;
  return rule['service_token']['token_id'] === tokenId;
}
