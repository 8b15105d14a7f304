import * as core from '@actions/core';
import type { AccessPolicyStore, PolicyObject } from '../../../cloudflare/access-policies.js';
import { AccessPolicyError } from '../../../errors.js';
import type { AccessPolicyRef } from '../../../settings/access-policies.js';
import { decisionProblem, includesToken, samePolicy, withToken } from './rules.js';

export type PolicyStatus = 'added' | 'present' | 'failed' | 'would-add';

/** What the report shows of the policies: one entry per access-policy-id line, in order. */
export interface AccessRecord {
  readonly policies: { id: string; status: PolicyStatus }[];
  /** Summary lines: the inactivity policy, the token's last use. */
  readonly notes: string[];
}

/** A read-modify-write starts again at most this often when the policy changes under it. */
export const MAX_ATTEMPTS = 3;

/**
 * Keeps the managed token in the include of every configured Access policy: read in the observe step
 * (exists, readable, Service Auth), proven editable before the first change, and completed right after a
 * create, before any target receives the secret. Each PUT sends the whole policy back, only include changed.
 */
export class AccessMembership {
  private readonly latest = new Map<string, PolicyObject>();

  private readonly refs: readonly AccessPolicyRef[];
  private readonly store: AccessPolicyStore | undefined;
  private readonly record: AccessRecord;

  private constructor(
    refs: readonly AccessPolicyRef[],
    store: AccessPolicyStore | undefined,
    record: AccessRecord
  ) {
    this.refs = refs;
    this.store = store;
    this.record = record;
  }

  /** Reads every policy (read-only); fails before any change when one cannot admit the token. */
  static async observe(
    refs: readonly AccessPolicyRef[],
    store: AccessPolicyStore | undefined,
    tokenId: string | undefined,
    record: AccessRecord
  ): Promise<AccessMembership> {
    const membership = new AccessMembership(refs, store, record);
    if (!refs.length) return membership;
    if (!store) throw new Error('access-policy-id is set, but the run has no Access policy adapter.');
    // Every policy is read, so that the report gives each its status even when one fails.
    const reads = await Promise.allSettled(refs.map((ref) => store.read(ref)));
    const failures: unknown[] = [];
    refs.forEach((ref, index) => {
      const read = reads[index] as PromiseSettledResult<PolicyObject>;
      const problem: unknown = read.status === 'rejected' ? read.reason : unusable(ref, read.value);
      if (read.status === 'rejected' || problem !== undefined) {
        record.policies.push({ id: ref.label, status: 'failed' });
        failures.push(problem);
        return;
      }
      membership.latest.set(ref.label, read.value);
      const present = tokenId !== undefined && includesToken(read.value, tokenId);
      record.policies.push({ id: ref.label, status: present ? 'present' : 'would-add' });
    });
    if (failures.length) throw failures[0];
    const missing = record.policies.filter((entry) => entry.status === 'would-add').length;
    core.info(
      `Access policies: ${refs.length} read, all Service Auth; ${missing ? `the token is missing from ${missing}` : 'each includes the token'}.`
    );
    return membership;
  }

  private entry(ref: AccessPolicyRef) {
    return this.record.policies.find((entry) => entry.id === ref.label) as { status: PolicyStatus };
  }

  /**
   * Before the first change of the run: adds an existing token where it is missing; before a create, rewrites
   * each policy unchanged, which proves the caller may edit it (Cloudflare has no dry-run PUT).
   */
  async prepare(tokenId: string | undefined): Promise<void> {
    if (tokenId !== undefined) return this.ensure(tokenId);
    for (const ref of this.refs) {
      const store = this.store as AccessPolicyStore;
      try {
        this.latest.set(ref.label, await store.write(ref, await store.read(ref)));
      } catch (error) {
        this.entry(ref).status = 'failed';
        throw error;
      }
    }
    if (this.refs.length)
      core.info(`Access policies: cloudflare-api-token may edit all ${this.refs.length}.`);
  }

  /** Adds the token to every policy that lacks it; reports added or present. */
  async ensure(tokenId: string): Promise<void> {
    for (const ref of this.refs) {
      const entry = this.entry(ref);
      if (entry.status === 'present' || entry.status === 'added') continue;
      try {
        entry.status = await this.add(ref, tokenId);
      } catch (error) {
        entry.status = 'failed';
        throw error;
      }
      core.info(
        `Access policy ${ref.label}: the token is ${entry.status === 'added' ? 'added' : 'already there'}.`
      );
    }
  }

  /** Read-modify-write: the policy is re-read just before the PUT, and the step restarts when it moved. */
  private async add(ref: AccessPolicyRef, tokenId: string): Promise<'added' | 'present'> {
    const store = this.store as AccessPolicyStore;
    let before = this.latest.get(ref.label) ?? (await store.read(ref));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const current = await store.read(ref);
      if (includesToken(current, tokenId)) return 'present';
      if (samePolicy(before, current)) {
        this.latest.set(ref.label, await store.write(ref, withToken(current, tokenId)));
        return 'added';
      }
      core.info(
        `Access policy ${ref.label} changed while being read; reading it again (attempt ${attempt}).`
      );
      before = current;
    }
    throw new AccessPolicyError(
      `Access policy ${ref.label} kept changing while the action added the service token (${MAX_ATTEMPTS} attempts); it was not changed.`,
      'Someone or something is editing the policy right now: re-run when the edits are done.'
    );
  }
}

/** The error for a policy that cannot admit a service token, or undefined when it can. */
function unusable(ref: AccessPolicyRef, policy: PolicyObject): AccessPolicyError | undefined {
  const problem = decisionProblem(policy);
  if (!problem) return undefined;
  return new AccessPolicyError(
    `Access policy ${ref.label} ('${typeof policy['name'] === 'string' ? policy['name'] : ''}') cannot admit a service token: ${problem}. Nothing was changed.`,
    'Make it a Service Auth policy (Action: Service Auth, decision non_identity), or name another policy in access-policy-id: under strict service token authentication only Service Auth policies admit service tokens.'
  );
}
