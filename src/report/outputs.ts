import * as core from '@actions/core';
import type { Result } from '../credentials/service-token/model.js';
import type { RunRecord } from '../run/record.js';
import type { Settings } from '../settings/settings.js';

export interface TargetEntry {
  readonly target: string;
  readonly secret: string;
  readonly status: string;
}

/** One entry per target and secret, in the order of the `targets` input. */
export function targetEntries(record: RunRecord, settings: Settings): TargetEntry[] {
  const apiTokenSecret = settings.apiToken?.secretName;
  if (apiTokenSecret) {
    return record.outcomes.map((outcome) => ({
      target: outcome.label,
      secret: apiTokenSecret,
      status: outcome.clientSecret
    }));
  }
  return record.outcomes.flatMap((outcome) => [
    {
      target: outcome.label,
      // A variable shows as it is referenced in a workflow: vars.NAME.
      secret:
        outcome.clientIdAs === 'variable'
          ? `vars.${settings.clientIdSecretName}`
          : settings.clientIdSecretName,
      status: outcome.clientId
    },
    { target: outcome.label, secret: settings.clientSecretSecretName, status: outcome.clientSecret }
  ]);
}

/** The result is known once the plan is made and, for a change, once the change happened. */
export function resultOf(record: RunRecord): Result | undefined {
  const plan = record.plan;
  if (!plan) return undefined;
  if (record.dryRun || plan.action === 'none' || plan.action === 'check' || record.staged) return plan.result;
  return undefined;
}

export function setOutputs(record: RunRecord, settings: Settings): void {
  const result = resultOf(record);
  if (result) core.setOutput('result', result);
  const apiToken = record.apiToken;
  if (apiToken) {
    core.setOutput('token-id', apiToken.id);
    core.setOutput('expires-at', apiToken.expiresOn ? apiToken.expiresOn.toISOString() : '');
  }
  const token = record.token;
  if (token) {
    core.setOutput('token-id', token.id);
    core.setOutput('client-id', token.clientId);
    core.setOutput('expires-at', token.expiresAt ? token.expiresAt.toISOString() : '');
  }
  if (record.outcomes.length) core.setOutput('targets', JSON.stringify(targetEntries(record, settings)));
  // Masked since it was issued; exposed only on request, for later steps of the same job.
  if (settings.exposeSecret && record.issuedSecret)
    core.setOutput(settings.apiToken ? 'api-token' : 'client-secret', record.issuedSecret);
}
