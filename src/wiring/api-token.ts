import { CloudflareApiTokens } from '../cloudflare/api-tokens.js';
import { checkRunningToken } from '../cloudflare/running-token.js';
import type { ApiTokenPorts } from '../credentials/api-token/ports.js';
import { newApiTokenRecord } from '../credentials/api-token/record.js';
import { apiTokenReport } from '../credentials/api-token/report.js';
import { runApiToken } from '../credentials/api-token/run.js';
import type { ApiTokenRunSettings } from '../credentials/api-token/settings.js';
import { runningWorkflowTokenSecrets, workflowContext } from '../github/workflow-secrets.js';
import type { RunClients } from '../run-clients.js';
import { clock, targetPorts, type CredentialRun } from './shared.js';

/** An API token, owned by the account in account-id or by the user. */
export function apiTokenRun(settings: ApiTokenRunSettings, clients: RunClients): CredentialRun {
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
