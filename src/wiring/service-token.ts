import { readInactivity } from '../cloudflare/access-organization.js';
import { CloudflareAccessPolicies } from '../cloudflare/access-policies.js';
import { checkRunningToken } from '../cloudflare/running-token.js';
import { CloudflareServiceTokens } from '../cloudflare/service-tokens.js';
import type { ServiceTokenPorts } from '../credentials/service-token/ports.js';
import { newServiceTokenRecord } from '../credentials/service-token/record.js';
import { serviceTokenReport } from '../credentials/service-token/report.js';
import { runServiceToken } from '../credentials/service-token/run.js';
import type { ServiceTokenRunSettings } from '../credentials/service-token/settings.js';
import { requestVerifyUrl } from '../credentials/service-token/verify-url.js';
import type { GitHubClient } from '../github/octokit.js';
import {
  createRecordVariable,
  recordPlace,
  recordVariableName,
  type RecordVariable
} from '../github/record-variable.js';
import type { RunClients } from '../run-clients.js';
import { clock, targetPorts, type CredentialRun } from './shared.js';

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
export function serviceTokenRun(settings: ServiceTokenRunSettings, clients: RunClients): CredentialRun {
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
