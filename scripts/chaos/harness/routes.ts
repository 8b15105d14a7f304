// The calls a scenario may fault, named and weighted, and the ones both credentials make alike: the writes of a
// secret into a target and the reads of the targets' repositories. Each credential adds its Cloudflare calls.

import type { FaultRule } from '../../../emulator/faults.ts';
import type { Random } from '../random.ts';
import { TARGET_POOL, type TargetDef } from './world.ts';

export type RouteClass = 'cf-write' | 'cf-read' | 'gh-write' | 'gh-read' | 'access';

export interface Route {
  readonly name: string;
  readonly routeClass: RouteClass;
  readonly api: FaultRule['api'];
  readonly method: string;
  readonly path: string | RegExp;
  readonly weight: number;
}

/** Text as a literal part of a RegExp. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A route of one API, named "<api> <name>", e.g. "github PUT octo-org/web CF_ACCESS_CLIENT_SECRET". */
function routeOf(api: 'cloudflare' | 'github') {
  return (
    name: string,
    routeClass: RouteClass,
    method: string,
    path: string | RegExp,
    weight: number
  ): Route => ({
    name: `${api} ${name}`,
    routeClass,
    api,
    method,
    path,
    weight
  });
}

export const cloudflareRoute = routeOf('cloudflare');
export const githubRoute = routeOf('github');

/** The calls that write one secret into a target: list its secrets, read its public key, PUT the secret. */
export function secretRoutes(def: TargetDef, name: string): Route[] {
  const where = def.line;
  return [
    githubRoute(`GET secrets ${where}`, 'gh-read', 'GET', def.secretsPath, 0.5),
    githubRoute(`GET public-key ${where}`, 'gh-read', 'GET', `${def.secretsPath}/public-key`, 0.5),
    githubRoute(`PUT ${where} ${name}`, 'gh-write', 'PUT', `${def.secretsPath}/${name}`, 3)
  ];
}

/** One read of each repository the targets belong to. */
export function repositoryRoutes(targets: ReadonlyArray<{ readonly def: TargetDef }>): Route[] {
  const repositories = new Set(targets.map(({ def }) => `${def.scope.owner}/${def.scope.repo}`));
  return [...repositories].map((repository) =>
    githubRoute(`GET repo ${repository}`, 'gh-read', 'GET', `/repos/${repository}`, 0.3)
  );
}

/** `count` targets of TARGET_POOL in random order, always a mix of repository and environment targets. */
export function pickTargets(rng: Random, count: number): TargetDef[] {
  const defs = rng.shuffle(TARGET_POOL).slice(0, count);
  if (defs.every((def) => def.scope.kind === defs[0]?.scope.kind)) {
    const other = TARGET_POOL.find((def) => def.scope.kind !== defs[0]?.scope.kind) as TargetDef;
    return [...defs.slice(0, -1), other];
  }
  return defs;
}
