import { InputError } from '../errors.js';

/** Where a secret is written. More kinds (organization, Dependabot) join this union later. */
export type Target =
  | { readonly kind: 'repository'; readonly owner: string; readonly repo: string }
  | {
      readonly kind: 'environment';
      readonly owner: string;
      readonly repo: string;
      readonly environment: string;
    };

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const KIND_PREFIX = /^([a-z][a-z-]*):/i;
const MAX_ENVIRONMENT_LENGTH = 255;

/** How a target is written in the `targets` input, and shown in reports. */
export function targetLabel(target: Target): string {
  const repository = `${target.owner}/${target.repo}`;
  return target.kind === 'environment' ? `${repository}@${target.environment}` : repository;
}

/** Two lines that name the same place (GitHub names are case-insensitive) are one target. */
function targetKey(target: Target): string {
  return `${target.kind}:${targetLabel(target).toLowerCase()}`;
}

/** Drops a `#` comment: at the start of the line, or after white space (so `env#1` stays a name). */
function stripComment(line: string): string {
  const at = line.search(/(^|\s)#/);
  return (at === -1 ? line : line.slice(0, at)).trim();
}

function parseRepository(text: string, lineNumber: number): { owner: string; repo: string } {
  const parts = text.split('/');
  const [owner, repo] = parts;
  if (parts.length !== 2 || !owner || !repo || !OWNER.test(owner) || !REPO.test(repo) || /^\.+$/.test(repo)) {
    throw new InputError(
      'targets',
      `line ${lineNumber} '${text}' is not a repository`,
      'Write OWNER/REPO for a repository secret or OWNER/REPO@ENVIRONMENT for an environment secret.'
    );
  }
  return { owner, repo };
}

function parseLine(line: string, lineNumber: number): Target {
  const prefix = KIND_PREFIX.exec(line);
  if (prefix) {
    throw new InputError(
      'targets',
      `line ${lineNumber} uses the target kind '${prefix[1]}:', which this version does not support`,
      'Supported lines are OWNER/REPO (repository secret) and OWNER/REPO@ENVIRONMENT (environment secret).'
    );
  }
  const at = line.indexOf('@');
  if (at === -1) return { kind: 'repository', ...parseRepository(line, lineNumber) };
  const environment = line.slice(at + 1).trim();
  if (!environment || environment.length > MAX_ENVIRONMENT_LENGTH) {
    throw new InputError(
      'targets',
      `line ${lineNumber} '${line}' has an empty or too long environment name`,
      `Write OWNER/REPO@ENVIRONMENT with an environment name of 1 to ${MAX_ENVIRONMENT_LENGTH} characters.`
    );
  }
  return { kind: 'environment', ...parseRepository(line.slice(0, at).trim(), lineNumber), environment };
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
    const key = targetKey(target);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InputError(
        'targets',
        `line ${lineNumber} repeats the target '${targetLabel(target)}' of line ${first}`,
        'List each target once (names are compared without regard to case).'
      );
    }
    seen.set(key, lineNumber);
    targets.push(target);
  });
  if (targets.length > 0) return targets;
  if (!defaultRepository) {
    throw new InputError(
      'targets',
      'no target is listed and GITHUB_REPOSITORY is not set',
      'List at least one OWNER/REPO or OWNER/REPO@ENVIRONMENT line.'
    );
  }
  return [{ kind: 'repository', ...parseRepository(defaultRepository, 0) }];
}
