import * as core from '@actions/core';
import type { RotatorError } from '../errors.js';
import type { RunRecord, TargetOutcome } from '../run/record.js';
import type { Settings } from '../settings/settings.js';
import { resultOf, targetEntries } from './outputs.js';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const KIND_NAMES: Record<TargetOutcome['kind'], string> = {
  repository: 'repository',
  environment: 'environment',
  organization: 'organization',
  'dependabot-repository': 'Dependabot (repository)',
  'dependabot-organization': 'Dependabot (organization)'
};

function statusCell(status: string): string {
  if (status.startsWith('failed')) return `❌ ${status}`;
  if (status === 'created' || status === 'updated') return `✅ ${status}`;
  if (status === 'planned') return `📝 ${status}`;
  return status;
}

function serviceTokenFacts(record: RunRecord, settings: Settings): string[] {
  const token = record.token;
  return [
    token
      ? `Service token: <code>${escapeHtml(token.name)}</code> (<code>${escapeHtml(token.id)}</code>), client id <code>${escapeHtml(token.clientId)}</code>`
      : `Service token: <code>${escapeHtml(settings.tokenName ?? settings.tokenId ?? '')}</code> (not found)`,
    `Expires: ${token ? (token.expiresAt ? token.expiresAt.toISOString() : 'never') : 'unknown'}`
  ];
}

function apiTokenFacts(record: RunRecord, settings: Settings): string[] {
  const token = record.apiToken;
  const owner = settings.scope.kind === 'account' ? `account ${settings.scope.id}` : 'user';
  return [
    token
      ? `API token: <code>${escapeHtml(token.name)}</code> (<code>${escapeHtml(token.id)}</code>), ${owner}-owned`
      : `API token: <code>${escapeHtml(settings.tokenName ?? settings.tokenId ?? '')}</code> (not found)`,
    `Expires: ${token ? (token.expiresOn ? token.expiresOn.toISOString() : 'never') : 'unknown'}`
  ];
}

/** The job summary: what was found, what was done, one row per target and secret, and the expiry. */
export async function writeSummary(
  record: RunRecord,
  settings: Settings,
  failure: Error | undefined
): Promise<void> {
  const summary = core.summary.addHeading('Cloudflare Token Rotator', 2);
  const result = resultOf(record);
  const facts: string[] = [
    `Result: <b>${result ?? 'failed'}</b>${record.dryRun ? ' (dry run: nothing was changed)' : ''}`,
    ...(settings.apiToken ? apiTokenFacts(record, settings) : serviceTokenFacts(record, settings))
  ];
  const previous = record.previousSecretValidUntil;
  if (previous) {
    facts.push(
      `Previous secret ${previous.getTime() > Date.now() ? 'valid until' : 'ended at'}: ${previous.toISOString()}`
    );
  }
  if (record.plan)
    facts.push(escapeHtml(`Plan: ${record.plan.action}, because ${record.plan.reasons.join('; ')}`));
  summary.addList(facts);
  if (record.steps.length) summary.addHeading('Steps', 3).addList(record.steps.map(escapeHtml));
  if (record.outcomes.length) {
    const kinds = new Map(record.outcomes.map((outcome) => [outcome.label, KIND_NAMES[outcome.kind]]));
    summary.addHeading('Targets', 3).addTable([
      [
        { data: 'Kind', header: true },
        { data: 'Target', header: true },
        { data: 'Secret', header: true },
        { data: 'Status', header: true }
      ],
      ...targetEntries(record, settings).map((entry) => [
        kinds.get(entry.target) ?? '',
        escapeHtml(entry.target),
        entry.secret,
        escapeHtml(statusCell(entry.status))
      ])
    ]);
  }
  if (failure) {
    const hint = (failure as Partial<RotatorError>).hint;
    const what = hint
      ? failure.message.slice(0, failure.message.length - hint.length).trim()
      : failure.message;
    summary.addHeading('Failure', 3).addRaw(`<p>${escapeHtml(what)}</p>`);
    if (hint) summary.addRaw(`<p><b>What to do:</b> ${escapeHtml(hint)}</p>`);
  }
  // Outside a runner (local runs) there is no summary file: the log already has everything.
  if (process.env.GITHUB_STEP_SUMMARY) await summary.write();
  else summary.emptyBuffer();
}
