import type { PolicyObject } from '../../../cloudflare/access-policies.js';

/** The include rule that names one service token. */
export const tokenRule = (tokenId: string) => ({ service_token: { token_id: tokenId } });

function rules(policy: PolicyObject, field: 'include' | 'exclude' | 'require'): unknown[] {
  const value = policy[field];
  return Array.isArray(value) ? value : [];
}

function namesToken(rule: unknown, tokenId: string): boolean {
  if (typeof rule !== 'object' || rule === null) return false;
  const token = (rule as { service_token?: { token_id?: unknown } }).service_token;
  return typeof token?.token_id === 'string' && token.token_id === tokenId;
}

/** Does the policy's include already hold the token? */
export function includesToken(policy: PolicyObject, tokenId: string): boolean {
  return rules(policy, 'include').some((rule) => namesToken(rule, tokenId));
}

/** The policy as read, with the token's rule appended to include; every other field and rule unchanged. */
export function withToken(policy: PolicyObject, tokenId: string): PolicyObject {
  if (includesToken(policy, tokenId)) return policy;
  return { ...policy, include: [...rules(policy, 'include'), tokenRule(tokenId)] };
}

/** Why the policy cannot admit a service token, or undefined when it can (a Service Auth policy). */
export function decisionProblem(policy: PolicyObject): string | undefined {
  const decision = policy['decision'];
  if (decision === 'non_identity') return undefined;
  return `its decision is ${typeof decision === 'string' ? `'${decision}'` : 'not given'}, not 'non_identity' (Service Auth)`;
}

/** A policy's content in a stable form, without updated_at (which moves on any write, ours included). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .filter((key) => key !== 'updated_at')
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])])
  );
}

/** Did the policy change between two reads (other than its updated_at)? */
export function samePolicy(a: PolicyObject, b: PolicyObject): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
