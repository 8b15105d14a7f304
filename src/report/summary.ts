import * as core from '@actions/core';
import type { RotatorError } from '../errors.js';
import type { TargetOutcome } from '../targets/slots.js';
import type { CredentialReport } from './credential-report.js';
import { escapeHtml } from './html.js';
import { targetEntries } from './outputs.js';
import { progressOf, resultOf } from './result.js';

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
  if (status === 'checked') return `🔎 ${status}`;
  return status;
}

function addTargets(outcomes: readonly TargetOutcome[]): void {
  const kinds = new Map(outcomes.map((outcome) => [outcome.label, KIND_NAMES[outcome.kind]]));
  core.summary.addHeading('Targets', 3).addTable([
    [
      { data: 'Kind', header: true },
      { data: 'Target', header: true },
      { data: 'Secret', header: true },
      { data: 'Status', header: true }
    ],
    ...targetEntries(outcomes).map((entry) => [
      kinds.get(entry.target) ?? '',
      escapeHtml(entry.target),
      entry.secret,
      escapeHtml(statusCell(entry.status))
    ])
  ]);
}

function addFailure(failure: Error): void {
  const hint = (failure as Partial<RotatorError>).hint;
  const what = hint ? failure.message.slice(0, failure.message.length - hint.length).trim() : failure.message;
  core.summary.addHeading('Failure', 3).addRaw(`<p>${escapeHtml(what)}</p>`);
  if (hint) core.summary.addRaw(`<p><b>What to do:</b> ${escapeHtml(hint)}</p>`);
}

/** One credential's section of the job summary: what was found, what was done, one row per target and slot. */
export function addSummary(report: CredentialReport, failure: Error | undefined, title: string): void {
  const { record } = report;
  const summary = core.summary.addHeading(escapeHtml(title), 2);
  const facts: string[] = [
    `Result: <b>${resultOf(record, failure) ?? 'failed'}</b>${record.dryRun ? ' (dry run: nothing was changed)' : ''}`,
    ...report.facts
  ];
  const progress = progressOf(record, failure);
  if (progress) facts.splice(1, 0, escapeHtml(`Reached: ${progress}`));
  if (record.plan)
    facts.push(
      escapeHtml(
        `Plan: ${record.dryRun && record.plan.action !== 'check' ? 'would ' : ''}${record.plan.action}, because ${record.plan.reasons.join('; ')}`
      )
    );
  summary.addList(facts);
  if (record.steps.length) summary.addHeading('Steps', 3).addList(record.steps.map(escapeHtml));
  if (record.outcomes.length) addTargets(record.outcomes);
  if (failure) addFailure(failure);
}

/** Writes the summary buffer to the job summary. */
export async function flushSummary(): Promise<void> {
  // Outside a runner (local runs) there is no summary file: the log already has everything.
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.write();
  else core.summary.emptyBuffer();
}

/** The job summary of a run of one credential. */
export async function writeSummary(report: CredentialReport, failure: Error | undefined): Promise<void> {
  addSummary(report, failure, 'Cloudflare Token Rotator');
  await flushSummary();
}
