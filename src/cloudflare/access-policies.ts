import { AccessPolicyError } from '../errors.js';
import type { AccessPolicyRef } from '../settings/access-policies.js';
import type { ServiceTokenScope } from '../settings/settings.js';
import type { CloudflareClient } from './client.js';
import { statusOf, toCloudflareError } from './errors.js';

/** An Access policy as Cloudflare returned it: every field, so that a PUT can send it all back. */
export type PolicyObject = Readonly<Record<string, unknown>>;

/** What the membership step needs from Cloudflare; the tests' fakes implement the same shape. */
export interface AccessPolicyStore {
  /** GET of the policy; AccessPolicyError when it does not exist or may not be read. */
  read(ref: AccessPolicyRef): Promise<PolicyObject>;
  /** PUT of the whole policy (a replace); AccessPolicyError on 403 or 404. */
  write(ref: AccessPolicyRef, policy: PolicyObject): Promise<PolicyObject>;
}

export const ACCESS_PERMISSION = 'Access: Apps and Policies Write';
/** A PUT replaces the whole object, so a repeat is harmless; one retry, not the reads' three. */
const WRITE_OPTIONS = { maxRetries: 1 } as const;
/** Read-only fields of a policy: sent back they would be ignored at best. */
const SERVER_FIELDS = new Set(['id', 'uid', 'created_at', 'updated_at', 'app_count', 'reusable']);

/** The body of a PUT: the policy as read, without the fields only the server sets. */
export function putBody(policy: PolicyObject): Record<string, unknown> {
  return Object.fromEntries(Object.entries(policy).filter(([key]) => !SERVER_FIELDS.has(key)));
}

export class CloudflareAccessPolicies implements AccessPolicyStore {
  private readonly client: CloudflareClient;
  private readonly scope: ServiceTokenScope;
  private readonly scopeLabel: string;

  constructor(client: CloudflareClient, scope: ServiceTokenScope) {
    this.client = client;
    this.scope = scope;
    this.scopeLabel = `${scope.kind} ${scope.id}`;
  }

  private get scopeParams(): { account_id: string } | { zone_id: string } {
    return this.scope.kind === 'account' ? { account_id: this.scope.id } : { zone_id: this.scope.id };
  }

  private failure(error: unknown, ref: AccessPolicyRef, verb: 'read' | 'edit'): Error {
    const status = statusOf(error);
    const what = `Access policy ${ref.label} in ${this.scopeLabel}`;
    if (status === 404) {
      return new AccessPolicyError(
        `${what} does not exist.`,
        'Check access-policy-id: a reusable policy id (Zero Trust → Access → Policies), or APP_ID/POLICY_ID for a policy of one application, in the account or zone the token belongs to.',
        { cause: error }
      );
    }
    if (status === 403) {
      return new AccessPolicyError(
        `cloudflare-api-token may not ${verb} ${what} (403).`,
        `Grant it '${ACCESS_PERMISSION}' on ${this.scopeLabel}.`,
        { cause: error }
      );
    }
    return toCloudflareError(error, `${verb} ${what}`, this.scopeLabel, ACCESS_PERMISSION);
  }

  async read(ref: AccessPolicyRef): Promise<PolicyObject> {
    try {
      const policy =
        ref.kind === 'reusable'
          ? await this.client.zeroTrust.access.policies.get(ref.policyId, { account_id: this.scope.id })
          : await this.client.zeroTrust.access.applications.policies.get(ref.policyId, {
              app_id: ref.appId,
              ...this.scopeParams
            });
      return policy as PolicyObject;
    } catch (error) {
      throw this.failure(error, ref, 'read');
    }
  }

  async write(ref: AccessPolicyRef, policy: PolicyObject): Promise<PolicyObject> {
    const body = putBody(policy);
    try {
      const answer =
        ref.kind === 'reusable'
          ? await this.client.zeroTrust.access.policies.update(
              ref.policyId,
              { ...body, account_id: this.scope.id } as never,
              WRITE_OPTIONS
            )
          : await this.client.zeroTrust.access.applications.policies.update(
              ref.policyId,
              { ...body, app_id: ref.appId, ...this.scopeParams },
              WRITE_OPTIONS
            );
      return answer as PolicyObject;
    } catch (error) {
      throw this.failure(error, ref, 'edit');
    }
  }
}
