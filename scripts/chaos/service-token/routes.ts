// The calls a service token run makes in a configuration, weighted towards the ones that change something:
// the fault catalog of the service token scenarios.

import { ACCOUNT, ZONE, type TargetDef } from '../harness/world.ts';
import {
  cloudflareRoute,
  escapeRegExp,
  githubRoute,
  repositoryRoutes,
  secretRoutes,
  type Route
} from '../harness/routes.ts';
import { CLIENT_ID_NAME, CLIENT_SECRET_NAME, RECORD_NAME } from './world.ts';

export interface RouteOptions {
  readonly zoneScope: boolean;
  readonly token: string;
  readonly verify: boolean;
  readonly clientIdAsVariable: boolean;
  readonly targets: ReadonlyArray<{ readonly def: TargetDef }>;
}

function cloudflareRoutes(config: RouteOptions): Route[] {
  const scope = config.zoneScope ? `/zones/${ZONE}` : `/accounts/${ACCOUNT}`;
  const tokens = `${scope}/access/service_tokens`;
  const one = new RegExp(`^${escapeRegExp(tokens)}/[^/]+$`);
  const list = [
    cloudflareRoute('GET list', 'cf-read', 'GET', tokens, 1),
    cloudflareRoute('GET token', 'cf-read', 'GET', one, 1),
    cloudflareRoute('GET verify', 'cf-read', 'GET', /\/tokens\/verify$/, 0.5),
    cloudflareRoute('PUT token', 'cf-write', 'PUT', one, 6)
  ];
  if (config.token === 'missing') list.push(cloudflareRoute('POST create', 'cf-write', 'POST', tokens, 6));
  else if (!config.zoneScope)
    list.push(
      cloudflareRoute(
        'POST rotate',
        'cf-write',
        'POST',
        new RegExp(`^${escapeRegExp(tokens)}/[^/]+/rotate$`),
        6
      )
    );
  return list;
}

/** The client id's calls: a variable (list, create, update) or a secret (PUT). */
function clientIdRoutes(def: TargetDef, asVariable: boolean): Route[] {
  const where = def.line;
  if (!asVariable)
    return [
      githubRoute(
        `PUT ${where} ${CLIENT_ID_NAME}`,
        'gh-write',
        'PUT',
        `${def.secretsPath}/${CLIENT_ID_NAME}`,
        1.5
      )
    ];
  return [
    githubRoute(`GET variables ${where}`, 'gh-read', 'GET', def.variablesPath, 0.3),
    githubRoute(`POST variable ${where}`, 'gh-write', 'POST', def.variablesPath, 1),
    githubRoute(`PATCH variable ${where}`, 'gh-write', 'PATCH', `${def.variablesPath}/${CLIENT_ID_NAME}`, 1)
  ];
}

/** The rotation record's calls: a variable beside the first target (read twice, created, updated twice). */
function recordRoutes(config: RouteOptions): Route[] {
  const first = config.targets[0]?.def;
  if (!first) return [];
  const base = `/repos/${first.scope.owner}/${first.scope.repo}/actions/variables`;
  const variable = `${base}/${RECORD_NAME}`;
  return [
    githubRoute('GET record', 'gh-read', 'GET', variable, 0.5),
    githubRoute('POST record', 'gh-write', 'POST', base, 1),
    githubRoute('PATCH record', 'gh-write', 'PATCH', variable, 2)
  ];
}

/** The calls the action makes in this configuration, weighted towards the ones that change something. */
export function routes(config: RouteOptions): Route[] {
  const list = [...cloudflareRoutes(config), ...recordRoutes(config)];
  if (config.verify)
    list.push({
      name: 'access GET app',
      routeClass: 'access',
      api: 'access',
      method: 'GET',
      path: '/app',
      weight: 1
    });
  for (const { def } of config.targets)
    list.push(...secretRoutes(def, CLIENT_SECRET_NAME), ...clientIdRoutes(def, config.clientIdAsVariable));
  list.push(...repositoryRoutes(config.targets));
  return list;
}
