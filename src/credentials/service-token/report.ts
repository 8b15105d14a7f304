import type { CredentialReport } from '../../report/credential-report.js';
import { escapeHtml } from '../../report/html.js';
import type { ServiceTokenRecord } from './record.js';
import type { ServiceTokenRunSettings } from './settings.js';

/** The summary's lines and the outputs of a service token run. */
export function serviceTokenReport(
  record: ServiceTokenRecord,
  settings: ServiceTokenRunSettings
): CredentialReport {
  const token = record.token;
  const facts = [
    token
      ? `Service token: <code>${escapeHtml(token.name)}</code> (<code>${escapeHtml(token.id)}</code>), client id <code>${escapeHtml(token.clientId)}</code>`
      : `Service token: <code>${escapeHtml(settings.tokenName ?? settings.tokenId ?? '')}</code> (not found)`,
    `Expires: ${token ? (token.expiresAt ? token.expiresAt.toISOString() : 'never') : 'unknown'}`
  ];
  if (record.recordNote) facts.push(`Rotation record: ${escapeHtml(record.recordNote)}`);
  const previous = record.previousSecretValidUntil;
  if (previous) {
    facts.push(
      `Previous secret ${previous.getTime() > Date.now() ? 'valid until' : 'ended at'}: ${previous.toISOString()}`
    );
  }
  const access = record.access;
  if (access?.policies.length)
    facts.push(
      `Access policies: ${access.policies.map((p) => `<code>${escapeHtml(p.id)}</code> ${p.status}`).join(', ')}`
    );
  for (const note of access?.notes ?? []) facts.push(escapeHtml(note));
  const outputs: [string, string][] = token
    ? [
        ['token-id', token.id],
        ['client-id', token.clientId],
        ['expires-at', token.expiresAt ? token.expiresAt.toISOString() : '']
      ]
    : [];
  outputs.push(['access-policies', JSON.stringify(access?.policies ?? [])]);
  return { record, facts, outputs, secretOutput: 'client-secret' };
}
