import { loadSodium, sealSecret } from '../crypto/seal.js';
import type { GitHubClient } from '../github/octokit.js';
import { repositoryReads } from '../github/repository-reads.js';
import { createSecretTarget } from '../github/secret-targets.js';
import type { CredentialReport } from '../report/credential-report.js';
import type { Clock } from '../run/retry.js';
import type { CommonSettings } from '../settings/settings.js';
import type { TargetPorts } from '../targets/ports.js';

/** A credential's run, wired to the real adapters, and what it tells the report afterwards. */
export interface CredentialRun {
  run(): Promise<void>;
  report(): CredentialReport;
}

export const clock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
};

/** The ports both credentials share: GitHub through Octokit, libsodium. */
export function targetPorts(settings: CommonSettings, octokit: GitHubClient): TargetPorts {
  return {
    targets: settings.targets.map((target) => createSecretTarget(octokit, target)),
    isArchived: async (owner, repo) => (await repositoryReads(octokit).facts(owner, repo)).archived,
    seal: sealSecret,
    loadSeal: loadSodium
  };
}
