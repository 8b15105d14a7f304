// HTTP surface of Access policies (paths relative to /client/v4): reusable policies of an account, policies of
// an application at account or zone scope, and the Access organization (its service_token_inactivity).

import type { ApiRequest } from '../http-types.ts';
import type { Router } from '../router.ts';
import type { AccessPolicyStore } from './access-policies.ts';
import { invalidInput, notFound, objectBody, success } from './envelope.ts';
import type { ResponseProfile, TokenScope } from './service-tokens.ts';

type ScopeOf = (req: ApiRequest, kind: 'accounts' | 'zones', id: string, needed: string) => TokenScope;

const read = 'access:apps:read';
const write = 'access:apps:write';

export function accessPolicyRoutes(
  router: Router,
  store: AccessPolicyStore,
  scopeOf: ScopeOf,
  profile: () => ResponseProfile
): void {
  const answer = (policyId: string, json: Record<string, unknown>) => {
    const response = success(json);
    store.afterRead(policyId);
    return response;
  };
  router.on('GET', '/accounts/{account_id}/access/policies/{policy_id}', (req, p) => {
    const scope = scopeOf(req, 'accounts', p['account_id'] ?? '', read);
    const id = p['policy_id'] ?? '';
    return answer(id, store.json(store.read(scope, id), profile(), 'reusable'));
  });
  router.on('PUT', '/accounts/{account_id}/access/policies/{policy_id}', (req, p) => {
    const scope = scopeOf(req, 'accounts', p['account_id'] ?? '', write);
    const policy = store.replace(scope, p['policy_id'] ?? '', objectBody(req.body, invalidInput));
    return success(store.json(policy, profile(), 'reusable'));
  });
  for (const kind of ['accounts', 'zones'] as const) {
    const base = `/${kind}/{scope_id}/access/apps/{app_id}/policies/{policy_id}`;
    router.on('GET', base, (req, p) => {
      const scope = scopeOf(req, kind, p['scope_id'] ?? '', read);
      const id = p['policy_id'] ?? '';
      return answer(id, store.json(store.read(scope, id, p['app_id']), profile(), 'app'));
    });
    router.on('PUT', base, (req, p) => {
      const scope = scopeOf(req, kind, p['scope_id'] ?? '', write);
      const body = objectBody(req.body, invalidInput);
      const policy = store.replace(scope, p['policy_id'] ?? '', body, p['app_id']);
      return success(store.json(policy, profile(), 'app'));
    });
    // The emulator has no organizations permission group: reading the organization needs Apps and Policies Read.
    router.on('GET', `/${kind}/{scope_id}/access/organizations`, (req, p) => {
      const scope = scopeOf(req, kind, p['scope_id'] ?? '', read);
      const organization = store.organization(scope);
      if (!organization) throw notFound('organization');
      return success({
        name: organization.name ?? 'Emulated organization',
        auth_domain: 'emulated.cloudflareaccess.com',
        session_duration: '24h',
        ...(organization.serviceTokenInactivity && {
          service_token_inactivity: organization.serviceTokenInactivity
        })
      });
    });
  }
}
