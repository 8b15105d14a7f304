// The calls an API token run makes in a configuration, weighted towards the ones that change something: the
// fault catalog of the API token scenarios.

import {
  cloudflareRoute,
  escapeRegExp,
  githubRoute,
  repositoryRoutes,
  secretRoutes,
  type Route
} from '../harness/routes.ts';
import type { TargetDef } from '../harness/world.ts';
import { API_SECRET_NAME, tokensBase, type TokenOwnerKind } from './world.ts';

export interface ApiRouteOptions {
  readonly strategy: 'replace' | 'roll';
  readonly owner: TokenOwnerKind;
  readonly token: string;
  readonly targets: ReadonlyArray<{ readonly def: TargetDef }>;
}

function cloudflareRoutes(config: ApiRouteOptions): Route[] {
  const base = tokensBase(config.owner);
  const one = `^${escapeRegExp(base)}/[0-9a-f]{32}`;
  const creates = config.token === 'missing' || config.token === 'expired';
  const list: Route[] = [
    cloudflareRoute('GET list', 'cf-read', 'GET', base, 1),
    cloudflareRoute('GET verify', 'cf-read', 'GET', /\/tokens\/verify$/, 1.5),
    cloudflareRoute('DELETE token', 'cf-write', 'DELETE', new RegExp(`${one}$`), creates ? 1 : 4)
  ];
  if (creates)
    list.push(cloudflareRoute('GET permission groups', 'cf-read', 'GET', `${base}/permission_groups`, 0.5));
  if (config.strategy === 'replace' || creates)
    list.push(cloudflareRoute('POST create', 'cf-write', 'POST', base, 6));
  if (config.strategy === 'roll' && !creates) {
    list.push(
      cloudflareRoute('PUT value (roll)', 'cf-write', 'PUT', new RegExp(`${one}/value$`), 6),
      cloudflareRoute('GET token', 'cf-read', 'GET', new RegExp(`${one}$`), 1)
    );
    if (config.token === 'expiring')
      list.push(cloudflareRoute('PUT token (renew)', 'cf-write', 'PUT', new RegExp(`${one}$`), 2));
  }
  return list;
}

/** The calls the action makes in this configuration, weighted towards the ones that change something. */
export function apiTokenRoutes(config: ApiRouteOptions): Route[] {
  const list = cloudflareRoutes(config);
  for (const { def } of config.targets) list.push(...secretRoutes(def, API_SECRET_NAME));
  // A GitHub outage during the distribution: every write fails, some after taking effect.
  list.push(
    githubRoute(
      `PUT every ${API_SECRET_NAME}`,
      'gh-write',
      'PUT',
      new RegExp(`/secrets/${API_SECRET_NAME}$`),
      1
    )
  );
  list.push(...repositoryRoutes(config.targets));
  return list;
}
