// The API token permission groups the emulator knows: a subset of Cloudflare's catalog with the real ids, names
// and scopes (as GET /user/tokens/permission_groups lists them), each mapped to the emulator's permission string.
// Only the access:service_tokens:* and *:api_tokens:* strings guard routes the emulator has; the others exist so
// tokens can carry realistic policies. A `write` permission implies the matching `read`.

export const USER_SCOPE = 'com.cloudflare.api.user';
export const ACCOUNT_SCOPE = 'com.cloudflare.api.account';
export const ZONE_SCOPE = 'com.cloudflare.api.account.zone';

export type PermissionGroupScope = typeof USER_SCOPE | typeof ACCOUNT_SCOPE | typeof ZONE_SCOPE;

export interface PermissionGroup {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly scope: PermissionGroupScope;
  /** The emulator's permission string this group grants. */
  readonly permission: string;
}

const group = (
  id: string,
  name: string,
  scope: PermissionGroupScope,
  permission: string,
  description: string
): PermissionGroup => ({ id, name, description, scope, permission });

export const PERMISSION_GROUPS: readonly PermissionGroup[] = [
  // User scope
  group(
    '0cc3a61731504c89b99ec1be78b77aa0',
    'API Tokens Read',
    USER_SCOPE,
    'user:api_tokens:read',
    "Grants read access to user's API Tokens"
  ),
  group(
    '686d18d5ac6c441c867cbf6771e58a0a',
    'API Tokens Write',
    USER_SCOPE,
    'user:api_tokens:write',
    "Grants write access to user's API Tokens"
  ),
  group(
    '3518d0f75557482e952c6762d3e64903',
    'Memberships Read',
    USER_SCOPE,
    'user:memberships:read',
    "Grants read access to a user's account memberships"
  ),
  // Account scope
  group(
    '91f7ce32fa614d73b7e1fc8f0e78582b',
    'Access: Service Tokens Read',
    ACCOUNT_SCOPE,
    'access:service_tokens:read',
    'Grants read access to Cloudflare Access Service Tokens'
  ),
  group(
    'a1c0fec57cf94af79479a6d827fa518c',
    'Access: Service Tokens Write',
    ACCOUNT_SCOPE,
    'access:service_tokens:write',
    'Grants write access to Cloudflare Access Service Tokens'
  ),
  group(
    '7ea222f6d5064cfa89ea366d7c1fee89',
    'Access: Apps and Policies Read',
    ACCOUNT_SCOPE,
    'access:apps:read',
    'Grants read access to Cloudflare Access applications and policies'
  ),
  group(
    '1e13c5124ca64b72b1969a67e8829049',
    'Access: Apps and Policies Write',
    ACCOUNT_SCOPE,
    'access:apps:write',
    'Grants write access to Cloudflare Access applications and policies'
  ),
  group(
    'b05b28e839c54467a7d6cba5d3abb5a3',
    'Access: Audit Logs Read',
    ACCOUNT_SCOPE,
    'access:audit_logs:read',
    'Grants read access to Cloudflare Access audit logs'
  ),
  group(
    'eb56a6953c034b9d97dd838155666f06',
    'Account API Tokens Read',
    ACCOUNT_SCOPE,
    'account:api_tokens:read',
    'Grants read access to account API Tokens'
  ),
  group(
    '5bc3f8b21c554832afc660159ab75fa4',
    'Account API Tokens Write',
    ACCOUNT_SCOPE,
    'account:api_tokens:write',
    'Grants write access to account API Tokens'
  ),
  group(
    'c1fde68c7bcc44588cbb6ddbc16d6480',
    'Account Settings Read',
    ACCOUNT_SCOPE,
    'account:settings:read',
    'Grants read access to Account resources, account membership, and account level features'
  ),
  group(
    '1af1fa2adc104452b74a9a3364202f20',
    'Account Settings Write',
    ACCOUNT_SCOPE,
    'account:settings:write',
    'Grants write access to Account resources, account membership, and account level features'
  ),
  group(
    'efea2ab8357b47888938f101ae5e053f',
    'Cloudflare Tunnel Read',
    ACCOUNT_SCOPE,
    'account:tunnels:read',
    'Grants access to view Cloudflare Tunnels'
  ),
  group(
    'c07321b023e944ff818fec44d8203567',
    'Cloudflare Tunnel Write',
    ACCOUNT_SCOPE,
    'account:tunnels:write',
    'Grants access to create and delete Cloudflare Tunnels'
  ),
  group(
    'e247aedd66bd41cc9193af0213416666',
    'Pages Read',
    ACCOUNT_SCOPE,
    'account:pages:read',
    'Grants read access to Cloudflare Pages'
  ),
  group(
    '8d28297797f24fb8a0c332fe0866ec89',
    'Pages Write',
    ACCOUNT_SCOPE,
    'account:pages:write',
    'Grants write access to Cloudflare Pages'
  ),
  group(
    '8b47d2786a534c08a1f94ee8f9f599ef',
    'Workers KV Storage Read',
    ACCOUNT_SCOPE,
    'workers:kv:read',
    'Grants read access to Cloudflare Workers KV Storage'
  ),
  group(
    'f7f0eda5697f475c90846e879bab8666',
    'Workers KV Storage Write',
    ACCOUNT_SCOPE,
    'workers:kv:write',
    'Grants write access to Cloudflare Workers KV Storage'
  ),
  group(
    'b4992e1108244f5d8bfbd5744320c2e1',
    'Workers R2 Storage Read',
    ACCOUNT_SCOPE,
    'workers:r2:read',
    'Grants read access to Cloudflare R2 Storage'
  ),
  group(
    'bf7481a1826f439697cb59a20b22293e',
    'Workers R2 Storage Write',
    ACCOUNT_SCOPE,
    'workers:r2:write',
    'Grants write access to Cloudflare R2 Storage'
  ),
  group(
    '1a71c399035b4950a1bd1466bbe4f420',
    'Workers Scripts Read',
    ACCOUNT_SCOPE,
    'workers:scripts:read',
    'Grants read access to Cloudflare Workers scripts'
  ),
  group(
    'e086da7e2179491d91ee5f35b3ca210a',
    'Workers Scripts Write',
    ACCOUNT_SCOPE,
    'workers:scripts:write',
    'Grants write access to Cloudflare Workers scripts'
  ),
  // Zone scope
  group(
    'eb258a38ea634c86a0c89da6b27cb6b6',
    'Access: Apps and Policies Read',
    ZONE_SCOPE,
    'access:apps:read',
    'Grants read access to Cloudflare Access zone resources'
  ),
  group(
    '959972745952452f8be2452be8cbb9f2',
    'Access: Apps and Policies Write',
    ZONE_SCOPE,
    'access:apps:write',
    'Grants write access to Cloudflare Access zone resources'
  ),
  group(
    'e17beae8b8cb423a99b1730f21238bed',
    'Cache Purge',
    ZONE_SCOPE,
    'zone:cache:purge',
    'Grants access to purge cache'
  ),
  group(
    '82e64a83756745bbbb1c9c2701bf816b',
    'DNS Read',
    ZONE_SCOPE,
    'zone:dns:read',
    'Grants read access to DNS'
  ),
  group(
    '4755a26eedb94da69e1066d98aa820be',
    'DNS Write',
    ZONE_SCOPE,
    'zone:dns:write',
    'Grants write access to DNS'
  ),
  group(
    '7b7216b327b04b8fbc8f524e1f9b7531',
    'SSL and Certificates Read',
    ZONE_SCOPE,
    'zone:ssl:read',
    'Grants read access to SSL configuration and cert management'
  ),
  group(
    'c03055bc037c4ea9afb9a9f104b7b721',
    'SSL and Certificates Write',
    ZONE_SCOPE,
    'zone:ssl:write',
    'Grants write access to SSL configuration and cert management'
  ),
  group(
    '2072033d694d415a936eaeb94e6405b8',
    'Workers Routes Read',
    ZONE_SCOPE,
    'zone:workers_routes:read',
    'Grants read access to Cloudflare Workers and Workers KV Storage'
  ),
  group(
    '28f4b596e7d643029c524985477ae49a',
    'Workers Routes Write',
    ZONE_SCOPE,
    'zone:workers_routes:write',
    'Grants write access to Cloudflare Workers and Workers KV Storage'
  ),
  group(
    'c8fed203ed3043cba015a93ad1616f1f',
    'Zone Read',
    ZONE_SCOPE,
    'zone:zone:read',
    'Grants read access to zone management'
  ),
  group(
    'e6d2666161e84845a636613608cee8d5',
    'Zone Write',
    ZONE_SCOPE,
    'zone:zone:write',
    'Grants write access to zone management'
  )
];

const BY_ID = new Map(PERMISSION_GROUPS.map((g) => [g.id, g]));

/** Every permission string a token can hold (for the fixture schema). */
export const PERMISSIONS: readonly string[] = [...new Set(PERMISSION_GROUPS.map((g) => g.permission))];

export function permissionGroup(id: string): PermissionGroup | undefined {
  return BY_ID.get(id);
}

/** By name, case-insensitively; several groups share a name across scopes, so `scope` may be needed. */
export function permissionGroupsNamed(name: string, scope?: string): PermissionGroup[] {
  const wanted = name.toLowerCase();
  return PERMISSION_GROUPS.filter(
    (g) => g.name.toLowerCase() === wanted && (scope === undefined || g.scope === scope)
  );
}

/** Does holding `held` grant `needed`? Equal, or the `write` of the same thing when `read` is needed. */
export function permissionImplies(held: string, needed: string): boolean {
  return (
    held === needed || (needed.endsWith(':read') && held === `${needed.slice(0, -':read'.length)}:write`)
  );
}

/** The list endpoint's representation. */
export function permissionGroupJson(g: PermissionGroup): Record<string, unknown> {
  return { id: g.id, name: g.name, description: g.description, scopes: [g.scope] };
}
