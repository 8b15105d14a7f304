import { OffOriginRequestError, PermissionError, TargetReadError, type RotatorError } from '../errors.js';

interface HttpFailure {
  status?: number;
  message?: string;
}

function asFailure(error: unknown): HttpFailure {
  if (typeof error === 'object' && error !== null) return error;
  return { message: String(error) };
}

/** The GitHub reason in a few words, for a target's status (`failed: <reason>`). */
export function githubReason(error: unknown): string {
  const { status, message } = asFailure(error);
  const text = (message ?? 'unknown error').split(' - ')[0]?.trim();
  return status ? `${status} ${text}` : (text ?? 'unknown error');
}

/** The fine-grained permission a place needs, from its target label. */
function permissionFor(place: string): string {
  if (place.startsWith('dependabot:org:'))
    return "the organization permission 'Dependabot secrets: Read and write'";
  if (place.startsWith('dependabot:')) return "'Dependabot secrets: Read and write'";
  if (place.startsWith('org:'))
    return "the organization permissions 'Secrets: Read and write' and 'Variables: Read and write'";
  if (place.includes('@')) return "'Environments: Read and write' and 'Secrets: Read and write'";
  return "'Secrets: Read and write' (and 'Variables: Read and write' with client-id-as-variable)";
}

/** What to do about a GitHub failure on `place` (a target label), by status. */
export function githubHint(status: number | undefined, place: string): string {
  switch (status) {
    case 401:
      return 'github-token was rejected: check that it is valid and not expired.';
    case 403:
      return `Give github-token ${permissionFor(place)} on ${place}; the workflow's GITHUB_TOKEN cannot write secrets.`;
    case 404:
      return `Check that ${place} exists and that github-token can see it.`;
    case 422:
      return 'GitHub rejected the request; re-run, and report it if it persists.';
    default:
      return 'GitHub had a problem; re-run later.';
  }
}

/** An error while observing a target: the run stops before anything changes. */
export function toTargetReadError(error: unknown, label: string, what: string): RotatorError {
  // Not a GitHub failure: the refusal says itself what happened and what to check.
  if (error instanceof OffOriginRequestError || error instanceof TargetReadError) return error;
  const { status } = asFailure(error);
  const environment = /^([^@:]+\/[^@]+)@(.+)$/.exec(label);
  if (status === 404 && environment && what === 'the secrets') {
    return new TargetReadError(
      label,
      `Could not read the secrets of ${label} (${githubReason(error)}): environment '${environment[2]}' does not exist in ${environment[1]}, or github-token cannot see that repository.`,
      `Create the environment '${environment[2]}' (${environment[1]} → Settings → Environments) or fix the name after @ in targets; environment names are case-sensitive.`,
      { cause: error }
    );
  }
  const message = `Could not read ${what} of ${label} (${githubReason(error)}).`;
  if (status === 401 || status === 403)
    return new PermissionError(message, githubHint(status, label), { cause: error });
  return new TargetReadError(label, message, githubHint(status, label), { cause: error });
}
