// Where a GitHub secret or variable lives. Tests name secrets with these same shapes
// (emu.github.secretPlaintext({ kind: 'environment', owner, repo, environment, name })).

export type RepositorySecretKind = 'repo' | 'dependabot-repo' | 'codespaces-repo';
export type OrganizationSecretKind = 'org' | 'dependabot-org';

export type SecretScope =
  | { kind: RepositorySecretKind; owner: string; repo: string }
  | { kind: 'environment'; owner: string; repo: string; environment: string }
  | { kind: OrganizationSecretKind; org: string };

export type VariableScope =
  | { kind: 'repo'; owner: string; repo: string }
  | { kind: 'environment'; owner: string; repo: string; environment: string }
  | { kind: 'org'; org: string };

export type SecretRef = SecretScope & { name: string };
export type VariableRef = VariableScope & { name: string };

export type Visibility = 'all' | 'private' | 'selected';

/** One map key per scope; names compare case-insensitively, as on GitHub. */
export function scopeKey(scope: SecretScope | VariableScope): string {
  switch (scope.kind) {
    case 'environment':
      return `environment:${scope.owner}/${scope.repo}:${scope.environment}`.toLowerCase();
    case 'org':
    case 'dependabot-org':
      return `${scope.kind}:${scope.org}`.toLowerCase();
    default:
      return `${scope.kind}:${scope.owner}/${scope.repo}`.toLowerCase();
  }
}

/** GitHub stores secret and variable names upper-cased; this is both the lookup key and the listed name. */
export function normalName(name: string): string {
  return name.toUpperCase();
}

/** GitHub's naming rules for secrets and variables; returns a message when the name is not allowed. */
export function nameProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return 'Names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_), must not start with a number, and spaces are not allowed.';
  }
  if (/^GITHUB_/i.test(name)) return 'Names must not start with the GITHUB_ prefix.';
  return undefined;
}
