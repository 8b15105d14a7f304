// The GitHub tokens a caller may present ("Authorization: Bearer x" or "token x") and what each may do.

import { GitHubError } from './errors.ts';

export interface GitHubTokenFixture {
  value: string;
  /** Write secrets and variables; without it every write is 403 "Resource not accessible by integration". */
  canWriteSecrets?: boolean;
  /** Write variables (default: as canWriteSecrets); false makes a token with Secrets but not Variables. */
  canWriteVariables?: boolean;
  /** "owner/name" or "owner/*" (also grants the organization's own endpoints); absent = everything. */
  repositories?: string[];
}

export interface GitHubToken {
  value: string;
  canWriteSecrets: boolean;
  canWriteVariables: boolean;
  repositories: string[] | undefined;
}

export class GitHubTokens {
  readonly #tokens = new Map<string, GitHubToken>();

  constructor(fixtures: GitHubTokenFixture[] = []) {
    for (const fixture of fixtures) this.add(fixture);
  }

  add(fixture: GitHubTokenFixture): void {
    this.#tokens.set(fixture.value, {
      value: fixture.value,
      canWriteSecrets: fixture.canWriteSecrets ?? false,
      canWriteVariables: fixture.canWriteVariables ?? fixture.canWriteSecrets ?? false,
      repositories: fixture.repositories?.map((pattern) => pattern.toLowerCase())
    });
  }

  authenticate(authorization: string | undefined): GitHubToken {
    const value = /^(?:Bearer|token)\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (value === undefined) throw new GitHubError(401, 'Requires authentication');
    const token = this.#tokens.get(value);
    if (!token) throw new GitHubError(401, 'Bad credentials');
    return token;
  }

  /** A repository the token was not granted looks exactly like one that does not exist. */
  canSeeRepository(token: GitHubToken, owner: string, repo: string): boolean {
    if (!token.repositories) return true;
    const full = `${owner}/${repo}`.toLowerCase();
    return token.repositories.some((pattern) => pattern === full || pattern === `${owner.toLowerCase()}/*`);
  }

  canSeeOrganization(token: GitHubToken, org: string): boolean {
    return !token.repositories || token.repositories.includes(`${org.toLowerCase()}/*`);
  }

  requireWrite(token: GitHubToken, what: 'secrets' | 'variables' = 'secrets'): void {
    if (!(what === 'variables' ? token.canWriteVariables : token.canWriteSecrets)) {
      throw new GitHubError(403, 'Resource not accessible by integration', {
        documentationUrl: 'https://docs.github.com/rest/actions/secrets'
      });
    }
  }
}
