import { readInactivity } from './cloudflare/access-organization.js';
import { CloudflareAccessPolicies } from './cloudflare/access-policies.js';
import { CloudflareApiTokens } from './cloudflare/api-tokens.js';
import { checkRunningToken } from './cloudflare/running-token.js';
import { CloudflareServiceTokens } from './cloudflare/service-tokens.js';
import type { ApiTokenPorts } from './credentials/api-token/ports.js';
import { newApiTokenRecord } from './credentials/api-token/record.js';
import { apiTokenReport } from './credentials/api-token/report.js';
import { runApiToken } from './credentials/api-token/run.js';
import type { ApiTokenRunSettings } from './credentials/api-token/settings.js';
import type { ServiceTokenPorts } from './credentials/service-token/ports.js';
import { newServiceTokenRecord } from './credentials/service-token/record.js';
import { serviceTokenReport } from './credentials/service-token/report.js';
import { runServiceToken } from './credentials/service-token/run.js';
import type { ServiceTokenRunSettings } from './credentials/service-token/settings.js';
import { requestVerifyUrl } from './credentials/service-token/verify-url.js';
import type { Settings } from './credentials/settings.js';
import { loadSodium, sealSecret } from './crypto/seal.js';
import type { GitHubClient } from './github/octokit.js';
import {
  createRecordVariable,
  recordPlace,
  recordVariableName,
  type RecordVariable
} from './github/record-variable.js';
import { repositoryReads } from './github/repository-reads.js';
import { createSecretTarget } from './github/secret-targets.js';
import { runningWorkflowTokenSecrets, workflowContext } from './github/workflow-secrets.js';
import type { CredentialReport } from './report/credential-report.js';
import type { Clock } from './run/retry.js';
import type { CommonSettings } from './settings/settings.js';
import { createRunClients, type RunClients } from './run-clients.js';
import type { TargetPorts } from './targets/ports.js';

/** A credential's run, wired to the real adapters, and what it tells the report afterwards. */
export interface CredentialRun {
  run(): Promise<void>;
  report(): CredentialReport;
}

const clock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
};

/** The ports both credentials share: GitHub through Octokit, libsodium. */
function targetPorts(settings: CommonSettings, octokit: GitHubClient): TargetPorts {
  return {
    targets: settings.targets.map((target) => createSecretTarget(octokit, target)),
    isArchived: async (owner, repo) => (await repositoryReads(octokit).facts(owner, repo)).archived,
    seal: sealSecret,
    loadSeal: loadSodium
  };
}

/** The record lives beside the first target (see README, "The rotation record"). */
function rotationRecordOf(settings: ServiceTokenRunSettings, octokit: GitHubClient): RecordVariable {
  const place = recordPlace(settings.targets);
  if (!place) throw new Error('A service token run without targets.');
  return createRecordVariable(
    octokit,
    place,
    recordVariableName(settings.serviceToken.clientSecretSecretName)
  );
}

/** A service token: the Cloudflare SDK, Octokit, libsodium, fetch for verify-url. */
function serviceTokenRun(settings: ServiceTokenRunSettings, clients: RunClients): CredentialRun {
  const { cloudflare, github: octokit } = clients;
  const ports: ServiceTokenPorts = {
    ...targetPorts(settings, octokit),
    rotationRecord: rotationRecordOf(settings, octokit),
    ...clock,
    checkApiToken: () => checkRunningToken(cloudflare, settings.scope),
    tokens: new CloudflareServiceTokens(cloudflare, settings.scope),
    accessPolicies: new CloudflareAccessPolicies(cloudflare, settings.scope),
    readInactivity: () => readInactivity(cloudflare, settings.scope),
    requestVerifyUrl: (url, clientId, clientSecret) =>
      requestVerifyUrl(url, clientId, clientSecret, settings.timing)
  };
  const record = newServiceTokenRecord();
  return {
    run: () => runServiceToken(settings, ports, record),
    report: () => serviceTokenReport(record, settings)
  };
}

/** An API token, owned by the account in account-id or by the user. */
function apiTokenRun(settings: ApiTokenRunSettings, clients: RunClients): CredentialRun {
  const connectWith = (apiToken: string) => clients.connect(apiToken);
  const scope = settings.scope;
  const apiTokens = new CloudflareApiTokens(
    connectWith,
    settings.cloudflareApiToken,
    scope.kind === 'account' ? { kind: 'account', accountId: scope.id } : { kind: 'user' }
  );
  // Its own client: after a roll of the token that runs the action, the store moves to the new value.
  const cloudflare = connectWith(settings.cloudflareApiToken);
  const ports: ApiTokenPorts = {
    ...targetPorts(settings, clients.github),
    ...clock,
    checkApiToken: () => checkRunningToken(cloudflare, scope),
    apiTokens,
    workflow: { repository: workflowContext().repository, tokenSecrets: runningWorkflowTokenSecrets() }
  };
  const record = newApiTokenRecord();
  return { run: () => runApiToken(settings, ports, record), report: () => apiTokenReport(record, settings) };
}

/** `clients`: the run's shared clients (a `config` file's entries share them); by default, the credential's own. */
export function credentialRun(
  settings: Settings,
  clients: RunClients = createRunClients(settings)
): CredentialRun {
  return settings.credential === 'api-token'
    ? apiTokenRun(settings, clients)
    : serviceTokenRun(settings, clients);
}
