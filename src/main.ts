import * as core from '@actions/core';
import { configInput } from './config/config-input.js';
import { loadSettings } from './credentials/settings-start.js';
import { errorMessage } from './errors.js';
import { setOutputs } from './report/outputs.js';
import { writeSummary } from './report/summary.js';
import { loadChunk } from './runtime/chunks.js';
import { honourProxyVariables } from './runtime/proxy.js';
import type { CredentialRun } from './wiring.js';
import { failOnce } from './run/step.js';

/** The outputs and the job summary, written after a failure too; a failure to write them is only a warning. */
async function report(
  credential: CredentialRun,
  exposeSecret: boolean,
  failure: Error | undefined
): Promise<void> {
  try {
    const facts = credential.report();
    setOutputs(facts, exposeSecret, failure);
    await writeSummary(facts, failure);
  } catch (error) {
    core.warning(`Could not write the report: ${errorMessage(error)}`);
  }
}

/** Many credentials from a `config` file: a part of its own (with the YAML parser), loaded only for it. */
async function runConfig(config: string): Promise<void> {
  try {
    await honourProxyVariables();
    const { runMany } = await loadChunk('the config run', () => import('./config/run-many.js'));
    await runMany(config);
  } catch (error) {
    failOnce(error instanceof Error ? error : new Error(errorMessage(error)));
  }
}

/** The action: read the inputs, run the rotation, report what happened (also after a failure). */
export async function run(): Promise<void> {
  const config = configInput();
  if (config) return runConfig(config);
  let credential: CredentialRun | undefined;
  let exposeSecret = false;
  let failure: Error | undefined;
  try {
    const settings = await loadSettings();
    exposeSecret = settings.exposeSecret;
    await honourProxyVariables();
    // The rotation (Cloudflare SDK, Octokit, the credential's code) is in chunks of their own: a run that fails on
    // its inputs never loads them.
    const { credentialRun } = await loadChunk('the rotation', () => import('./wiring.js'));
    credential = await credentialRun(settings);
    await credential.run();
  } catch (error) {
    failure = error instanceof Error ? error : new Error(errorMessage(error));
  }
  if (credential) await report(credential, exposeSecret, failure);
  if (failure) failOnce(failure);
}
