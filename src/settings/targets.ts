import { InputError } from '../errors.js';

export type Visibility = 'all' | 'private' | 'selected';
const VISIBILITIES: readonly Visibility[] = ['all', 'private', 'selected'];

/** Who may use an organization secret; undefined fields keep what the secret has (or GitHub's default). */
export interface OrganizationAccess {
  readonly visibility: Visibility | undefined;
  /** Repository names (resolved to ids before writing); only with `selected`. */
  readonly repositories: readonly string[] | undefined;
}

/** Where a secret is written: one line of the `targets` input. */
export type Target =
  | { readonly kind: 'repository'; readonly owner: string; readonly repo: string }
  | {
      readonly kind: 'environment';
      readonly owner: string;
      readonly repo: string;
      readonly environment: string;
    }
  | { readonly kind: 'organization'; readonly org: string; readonly access: OrganizationAccess }
  | { readonly kind: 'dependabot-repository'; readonly owner: string; readonly repo: string }
  | { readonly kind: 'dependabot-organization'; readonly org: string; readonly access: OrganizationAccess };

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const MAX_ENVIRONMENT_LENGTH = 255;
/** `.` and `..` would change the request path (…/environments/../secrets). */
const DOTS = /^\.+$/;
const SYNTAX =
  'Write OWNER/REPO, OWNER/REPO@ENVIRONMENT, org:ORG [visibility=all|private|selected] [repos=a,b], dependabot:OWNER/REPO or dependabot:org:ORG [...].';

/** How a target is written in the `targets` input (without options), and shown in reports. */
export function targetLabel(target: Target): string {
  switch (target.kind) {
    case 'repository':
      return `${target.owner}/${target.repo}`;
    case 'environment':
      return `${target.owner}/${target.repo}@${target.environment}`;
    case 'organization':
      return `org:${target.org}`;
    case 'dependabot-repository':
      return `dependabot:${target.owner}/${target.repo}`;
    case 'dependabot-organization':
      return `dependabot:org:${target.org}`;
  }
}

/** The repository a target lives in, if any (for the archived check). */
export function targetRepository(target: Target): { owner: string; repo: string } | undefined {
  return 'repo' in target ? { owner: target.owner, repo: target.repo } : undefined;
}

/** Drops a `#` comment: at the start of the line, or after white space (so `env#1` stays a name). */
function stripComment(line: string): string {
  const at = line.search(/(^|\s)#/);
  return (at === -1 ? line : line.slice(0, at)).trim();
}

function lineError(lineNumber: number, problem: string, hint = SYNTAX): InputError {
  return new InputError('targets', `line ${lineNumber} ${problem}`, hint);
}

function parseRepository(text: string, lineNumber: number): { owner: string; repo: string } {
  const parts = text.split('/');
  const [owner, repo] = parts;
  if (parts.length !== 2 || !owner || !repo || !OWNER.test(owner) || !REPO.test(repo) || DOTS.test(repo)) {
    throw lineError(lineNumber, `'${text}' is not a repository`);
  }
  return { owner, repo };
}

/** `repos=web, api`: the space ends the option, so `api` looks like another one. */
function spaceInRepos(lineNumber: number, repositories: readonly string[], next: string): InputError {
  const joined = [...repositories.filter(Boolean), next].join(',');
  return lineError(
    lineNumber,
    `has a space inside repos= (before '${next}')`,
    `List the repositories with commas and no spaces: repos=${joined}. One target per line, no spaces inside an option.`
  );
}

function parseOrganization(words: string[], lineNumber: number): { org: string; access: OrganizationAccess } {
  const [org, ...options] = words;
  if (!org || !OWNER.test(org)) throw lineError(lineNumber, `'${org ?? ''}' is not an organization name`);
  let visibility: Visibility | undefined;
  let repositories: string[] | undefined;
  for (const option of options) {
    const [key, value = ''] = option.split(/=(.*)/s);
    if (key === 'visibility' && (VISIBILITIES as readonly string[]).includes(value))
      visibility = value as Visibility;
    else if (key === 'repos' && value) repositories = value.split(',').map((name) => name.trim());
    else if (repositories && !option.includes('=')) throw spaceInRepos(lineNumber, repositories, option);
    else throw lineError(lineNumber, `has an unknown or empty option '${option}'`);
  }
  if (repositories?.some((name) => !REPO.test(name) || DOTS.test(name))) {
    throw lineError(lineNumber, `lists a repository name that is not valid in '${repositories.join(',')}'`);
  }
  if (visibility === 'selected' && !repositories?.length) {
    throw lineError(
      lineNumber,
      'sets visibility=selected without repos=',
      'List the repositories: repos=name1,name2.'
    );
  }
  if (repositories && visibility !== 'selected') {
    throw lineError(
      lineNumber,
      'lists repos= without visibility=selected',
      'Add visibility=selected, or drop repos=.'
    );
  }
  return { org, access: { visibility, repositories } };
}

function parseRepositoryOrEnvironment(text: string, lineNumber: number): Target {
  const at = text.indexOf('@');
  if (at === -1) return { kind: 'repository', ...parseRepository(text, lineNumber) };
  const environment = text.slice(at + 1).trim();
  if (!environment || environment.length > MAX_ENVIRONMENT_LENGTH) {
    throw lineError(
      lineNumber,
      `'${text}' has an empty or too long environment name`,
      `Write OWNER/REPO@ENVIRONMENT with an environment name of 1 to ${MAX_ENVIRONMENT_LENGTH} characters.`
    );
  }
  if (environment === '.' || environment === '..') {
    throw lineError(
      lineNumber,
      `'${text}' names the environment '${environment}', which is not an environment name`,
      'Write the name of an environment of the repository after the @.'
    );
  }
  return { kind: 'environment', ...parseRepository(text.slice(0, at).trim(), lineNumber), environment };
}

/** `a/b, c/d` or `a/b,c/d`: several targets on one line (org lines use commas only inside repos=). */
function rejectSeveralOnALine(line: string, first: string, lineNumber: number): void {
  if (first.startsWith('org:') || first.startsWith('dependabot:org:') || !line.includes(',')) return;
  throw lineError(
    lineNumber,
    `'${line}' lists several targets on one line`,
    'Write one target per line, with no commas and no spaces between them.'
  );
}

function parseLine(line: string, lineNumber: number): Target {
  const words = line.split(/\s+/);
  const first = words[0] as string;
  rejectSeveralOnALine(line, first, lineNumber);
  if (first.startsWith('org:')) {
    return { kind: 'organization', ...parseOrganization([first.slice(4), ...words.slice(1)], lineNumber) };
  }
  if (first.startsWith('dependabot:org:')) {
    return {
      kind: 'dependabot-organization',
      ...parseOrganization([first.slice(15), ...words.slice(1)], lineNumber)
    };
  }
  if (first.startsWith('dependabot:')) {
    if (words.length > 1) throw lineError(lineNumber, `has options after '${first}'`);
    return { kind: 'dependabot-repository', ...parseRepository(first.slice(11), lineNumber) };
  }
  const prefix = /^([a-z][a-z-]*):/i.exec(first);
  if (prefix) throw lineError(lineNumber, `uses an unknown target kind '${prefix[1]}:'`);
  return parseRepositoryOrEnvironment(line, lineNumber);
}

/**
 * Parses the `targets` input: one target a line, blank lines and `#` comments ignored. When the input is
 * empty, the repository running the workflow is the one target.
 */
export function parseTargets(text: string, defaultRepository: string | undefined): Target[] {
  const targets: Target[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = stripComment(raw);
    if (!line) return;
    const lineNumber = index + 1;
    const target = parseLine(line, lineNumber);
    // GitHub names are case-insensitive: two lines naming the same place in another case are one target.
    const key = `${target.kind}:${targetLabel(target).toLowerCase()}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw lineError(
        lineNumber,
        `repeats the target '${targetLabel(target)}' of line ${first}`,
        'List each target once (names are compared without regard to case).'
      );
    }
    seen.set(key, lineNumber);
    targets.push(target);
  });
  if (targets.length > 0) return targets;
  if (!defaultRepository) {
    throw new InputError('targets', 'no target is listed and GITHUB_REPOSITORY is not set', SYNTAX);
  }
  return [{ kind: 'repository', ...parseRepository(defaultRepository, 0) }];
}
