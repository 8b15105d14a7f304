import type { CredentialReport } from '../../report/credential-report.js';
import { escapeHtml } from '../../report/html.js';
import { lastUseFact, warnIfIdle } from '../../report/last-use.js';
import type { ApiTokenRecord } from './record.js';
import type { ApiTokenRunSettings } from './settings.js';

/** The summary's lines and the outputs of an API token run. */
export function apiTokenReport(record: ApiTokenRecord, settings: ApiTokenRunSettings): CredentialReport {
  const token = record.apiToken;
  const owner = settings.scope.kind === 'account' ? `account ${settings.scope.id}` : 'user';
  const facts = [
    token
      ? `API token: <code>${escapeHtml(token.name)}</code> (<code>${escapeHtml(token.id)}</code>), ${owner}-owned`
      : `API token: <code>${escapeHtml(settings.tokenName ?? settings.tokenId ?? '')}</code> (not found)`,
    `Expires: ${token ? (token.expiresOn ? token.expiresOn.toISOString() : 'never') : 'unknown'}`
  ];
  if (token) {
    facts.push(escapeHtml(lastUseFact(token.lastUsedOn)));
    warnIfIdle(`API token '${token.name}' (${token.id})`, token.lastUsedOn, settings.maxIdleDays, new Date());
  }
  const outputs: [string, string][] = token
    ? [
        ['token-id', token.id],
        ['expires-at', token.expiresOn ? token.expiresOn.toISOString() : '']
      ]
    : [];
  return { record, facts, outputs, secretOutput: 'api-token' };
}
