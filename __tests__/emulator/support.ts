import { existsSync } from 'node:fs';
import { DEFAULT_CONTRACTS_DIR } from '../../emulator/contracts.ts';
// Shared fixture and fetch helpers for the emulator's own tests.

import sodium from 'libsodium-wrappers';
import type { Fixture } from '../../emulator/fixture.ts';
import type { Emulator } from '../../emulator/server.ts';

/** The OpenAPI subsets are read from ../shared; a clone without it skips what needs them. */
export const haveContracts = existsSync(DEFAULT_CONTRACTS_DIR);

export const ACCOUNT = '0123456789abcdef0123456789abcdef';
export const OTHER_ACCOUNT = '11111111111111111111111111111111';
export const ZONE = 'fedcba9876543210fedcba9876543210';

/** A frozen clock makes every timestamp in a test exact; tests move it with emu.clock.advance(). */
export const START = '2026-01-01T00:00:00.000Z';

export function testFixture(): Fixture {
  return {
    startAt: START,
    frozenClock: true,
    cloudflare: {
      accounts: [ACCOUNT, OTHER_ACCOUNT],
      zones: [ZONE],
      apiTokens: [
        { value: 'cf-write', permissions: ['access:service_tokens:write'] },
        { value: 'cf-read', permissions: ['access:service_tokens:read'] },
        {
          value: 'cf-other-account',
          permissions: ['access:service_tokens:write'],
          resources: [OTHER_ACCOUNT]
        },
        { value: 'cf-disabled', permissions: ['access:service_tokens:write'], status: 'disabled' }
      ]
    },
    github: {
      orgs: ['octo-org'],
      repositories: [
        {
          owner: 'octo-org',
          name: 'web',
          id: 101,
          environments: ['production', 'staging eu', 'pre-prod #2']
        },
        { owner: 'octo-org', name: 'api', id: 102 },
        { owner: 'octo-org', name: 'docs', id: 103 },
        { owner: 'octo-org', name: 'old-site', id: 104, archived: true },
        { owner: 'someone', name: 'personal', id: 201 }
      ],
      tokens: [
        { value: 'gh-write', canWriteSecrets: true },
        { value: 'gh-read', canWriteSecrets: false },
        { value: 'gh-web-only', canWriteSecrets: true, repositories: ['octo-org/web'] }
      ]
    }
  };
}

export interface Reply<T> {
  status: number;
  headers: Headers;
  /** Parsed JSON; typed as the success shape, so error tests read it with that in mind. */
  body: T;
}

/** The Cloudflare envelope around every answer. */
export interface Envelope<T> {
  success: boolean;
  errors: Array<{ code: number; message: string }>;
  messages: Array<{ code: number; message: string }>;
  result: T;
  result_info?: { page: number; per_page: number; count: number; total_count: number; total_pages: number };
}

export interface ServiceTokenJson {
  id: string;
  name: string;
  client_id: string;
  client_secret?: string;
  created_at: string;
  updated_at: string;
  expires_at?: string;
  duration: string;
  client_secret_version: number;
  previous_client_secret_expires_at: string | null;
  last_seen_at: string | null;
}

/** GitHub bodies vary per endpoint; tests name the fields they read. */
export type GitHubBody = Record<string, unknown> & { message?: string };

async function call<T>(url: string, method: string, token: string | null, body: unknown): Promise<Reply<T>> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' })
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    redirect: 'manual'
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as T
  };
}

/** A caller with this bearer token; null sends no Authorization header. */
export function cloudflare(emu: Emulator, token: string | null = 'cf-write') {
  return <T = ServiceTokenJson>(method: string, path: string, body?: unknown) =>
    call<Envelope<T>>(`${emu.cloudflareApiUrl}${path}`, method, token, body);
}

export function github(emu: Emulator, token: string | null = 'gh-write') {
  return <T = GitHubBody>(method: string, path: string, body?: unknown) =>
    call<T>(`${emu.githubApiUrl}${path}`, method, token, body);
}

/** What the action does: fetch the scope's public key and seal the value for it. */
export async function sealFor(
  gh: ReturnType<typeof github>,
  publicKeyPath: string,
  value: string
): Promise<{ encrypted_value: string; key_id: string }> {
  await sodium.ready;
  const { body } = await gh('GET', publicKeyPath);
  const key = sodium.from_base64(body['key'] as string, sodium.base64_variants.ORIGINAL);
  const sealed = sodium.crypto_box_seal(value, key);
  return {
    encrypted_value: sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL),
    key_id: body['key_id'] as string
  };
}
