// Generators for the identifiers and secrets Cloudflare hands out, in their real shapes.

import { randomBytes, randomInt, randomUUID } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function newServiceTokenId(): string {
  return randomUUID();
}

/** 32 hex characters + ".access", as Access shows in the dashboard. */
export function newClientId(): string {
  return `${randomBytes(16).toString('hex')}.access`;
}

/** The current secret format: "cfast_" followed by 64 base62 characters. */
export function newClientSecret(): string {
  let body = '';
  for (let i = 0; i < 64; i += 1) body += BASE62[randomInt(BASE62.length)];
  return `cfast_${body}`;
}

/** API token ids are 32 hex characters. */
export function newApiTokenId(): string {
  return randomBytes(16).toString('hex');
}

/** API token values in the current formats: "cfut_" (user-owned) or "cfat_" (account-owned) + 43 base62. */
export function newApiTokenValue(owner: 'user' | 'account'): string {
  let body = '';
  for (let i = 0; i < 43; i += 1) body += BASE62[randomInt(BASE62.length)];
  return `${owner === 'user' ? 'cfut' : 'cfat'}_${body}`;
}
