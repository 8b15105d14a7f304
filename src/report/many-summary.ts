import * as core from '@actions/core';
import { isFailed, type TargetOutcome } from '../targets/slots.js';
import type { CredentialReport } from './credential-report.js';
import { escapeHtml } from './html.js';
import { targetEntries } from './outputs.js';
import { resultOf } from './result.js';
import { addSummary, flushSummary } from './summary.js';

/** One entry of a `config` file, after its run (or its failure). */
export interface EntryReport {
  /** `credentials[2]`. */
  readonly where: string;
  readonly name: string;
  readonly credential: string;
  readonly report: CredentialReport | undefined;
  readonly failure: Error | undefined;
}

const failedTarget = (outcome: TargetOutcome): boolean => outcome.slots.some((slot) => isFailed(slot.status));

/** The labels of the targets that did not receive their values. */
export function failedTargets(entry: EntryReport): string[] {
  return (entry.report?.record.outcomes ?? []).filter(failedTarget).map((outcome) => outcome.label);
}

function resultText(entry: EntryReport): string {
  const result = entry.report && resultOf(entry.report.record, entry.failure);
  return entry.failure || !result ? 'failed' : result;
}

const output = (entry: EntryReport, name: string): string | undefined =>
  entry.report?.outputs.find(([key]) => key === name)?.[1];

/** The `results` output: one object per entry with the fields of a single run's outputs; never a secret. */
export function resultsOutput(entries: readonly EntryReport[]): string {
  return JSON.stringify(
    entries.map((entry) => ({
      entry: entry.where,
      'token-name': entry.name,
      credential: entry.credential,
      result: resultText(entry),
      ...Object.fromEntries(entry.report?.outputs ?? []),
      targets: entry.report ? targetEntries(entry.report.record.outcomes) : [],
      ...(entry.failure ? { error: entry.failure.message } : {})
    }))
  );
}

function overviewRow(entry: EntryReport): string[] {
  const outcomes = entry.report?.record.outcomes ?? [];
  const failed = outcomes.filter(failedTarget).length;
  const expires = output(entry, 'expires-at');
  return [
    escapeHtml(`${entry.where} ${entry.name}`),
    entry.credential,
    `${resultText(entry) === 'failed' ? '❌ ' : ''}${resultText(entry)}`,
    expires === undefined ? '' : expires || 'never',
    `${outcomes.length - failed} ok / ${failed} failed`
  ];
}

/** The job summary of a `config` run: one overview table, then each entry's section as a single run has it. */
export async function writeManySummary(
  entries: readonly EntryReport[],
  dryRun: boolean,
  note?: string
): Promise<void> {
  core.summary.addHeading('Cloudflare Token Rotator', 2);
  if (dryRun) core.summary.addRaw('<p>Dry run: nothing was changed.</p>');
  if (note) core.summary.addRaw(`<p>${escapeHtml(note)}</p>`);
  core.summary.addTable([
    ['Entry', 'Credential', 'Result', 'Expires', 'Targets'].map((data) => ({ data, header: true })),
    ...entries.map(overviewRow)
  ]);
  for (const entry of entries) {
    if (entry.report) addSummary(entry.report, entry.failure, `${entry.where}: ${entry.name}`);
  }
  await flushSummary();
}
