import * as core from '@actions/core';
import { EntriesFailedError, errorMessage } from '../errors.js';
import { failedTargets, resultsOutput, writeManySummary, type EntryReport } from '../report/many-summary.js';
import { CloudflareApiTokens } from '../cloudflare/api-tokens.js';
import { checkRunningToken } from '../cloudflare/running-token.js';
import { createRunClients, type RunClients } from '../run-clients.js';
import { credentialRun, loadCredentialRuns } from '../wiring.js';
import type { ConfigEntry } from './entries.js';
import { readConfig } from './read-config.js';
import { orderEntries, runsLastNote, type EntryOrder, type RunningTokenPorts } from './running-entry.js';

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(errorMessage(error)));

/** One entry, start to end; its failure is kept for the report, never thrown. */
async function runEntry(entry: ConfigEntry, clients: RunClients, count: number): Promise<EntryReport> {
  const { settings } = entry;
  const name = settings.tokenName ?? settings.tokenId ?? '';
  core.info(`── ${entry.where} of ${count}: ${settings.credential} ${name} ──`);
  const credential = await credentialRun(settings, clients);
  let failure: Error | undefined;
  try {
    await credential.run();
  } catch (error) {
    failure = asError(error);
    core.error(`Config entry ${entry.where} (${name}) failed: ${failure.message}`);
  }
  let report;
  try {
    report = credential.report();
  } catch (error) {
    core.warning(`Could not report ${entry.where}: ${errorMessage(error)}`);
  }
  return { where: entry.where, name, credential: settings.credential, report, failure };
}

function failureOf(reports: readonly EntryReport[]): EntriesFailedError | undefined {
  const failed = reports.filter((entry) => entry.failure);
  if (!failed.length) return undefined;
  const names = failed.map((entry) => {
    const targets = failedTargets(entry);
    return `${entry.where} (${entry.name})${targets.length ? `: ${targets.join(', ')}` : ''}`;
  });
  return new EntriesFailedError(
    `${failed.length} of ${reports.length} config entries failed: ${names.join('; ')}.`,
    "Each entry's section of the job summary says what failed and what to do; the other entries finished."
  );
}

/** cloudflare-api-token through the run's shared client. */
function runningTokenPorts(clients: RunClients, apiToken: string): RunningTokenPorts {
  return {
    verify: (scope) => checkRunningToken(clients.cloudflare, scope),
    nameOf: async (owner, id) => {
      const store = new CloudflareApiTokens(
        (value) => clients.connect(value),
        apiToken,
        owner.kind === 'user' ? owner : { kind: 'account', accountId: owner.id }
      );
      return (await store.get(id)).name;
    }
  };
}

/** A run of every credential in the file: one GitHub client and write pacer, one Cloudflare client, one report. */
export async function runMany(path: string): Promise<void> {
  let entries: ConfigEntry[];
  let order: EntryOrder;
  let shared: RunClients;
  try {
    entries = readConfig(path);
    const { settings } = entries[0] as ConfigEntry;
    shared = createRunClients(settings);
    order = await orderEntries(entries, runningTokenPorts(shared, settings.cloudflareApiToken));
  } catch (error) {
    core.setFailed(asError(error).message);
    return;
  }
  await loadCredentialRuns(entries.map((entry) => entry.settings.credential));
  const note = runsLastNote(order);
  if (note) core.info(note);
  const byEntry = new Map<ConfigEntry, EntryReport>();
  for (const entry of order.entries) byEntry.set(entry, await runEntry(entry, shared, entries.length));
  // The report keeps the file's order.
  const reports = entries.map((entry) => byEntry.get(entry) as EntryReport);
  const { dryRun } = (entries[0] as ConfigEntry).settings;
  try {
    core.setOutput('results', resultsOutput(reports));
    await writeManySummary(reports, dryRun, note);
  } catch (error) {
    core.warning(`Could not write the report: ${errorMessage(error)}`);
  }
  const failure = failureOf(reports);
  if (failure) core.setFailed(failure.message);
}
