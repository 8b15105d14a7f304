import * as core from '@actions/core';
import { readSettings } from './credentials/settings.js';
import { errorMessage } from './errors.js';
import { setOutputs } from './report/outputs.js';
import { writeSummary } from './report/summary.js';
import { credentialRun, type CredentialRun } from './wiring.js';
import { failOnce } from './run/step.js';
import { configInput } from './config/read-config.js';
import { runMany } from './config/run-many.js';

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

/** The action: read the inputs, run the rotation, report what happened (also after a failure). */
export async function run(): Promise<void> {
  const config = configInput();
  if (config) return runMany(config);
  let credential: CredentialRun | undefined;
  let exposeSecret = false;
  let failure: Error | undefined;
  try {
    const settings = readSettings();
    exposeSecret = settings.exposeSecret;
    credential = credentialRun(settings);
    await credential.run();
  } catch (error) {
    failure = error instanceof Error ? error : new Error(errorMessage(error));
  }
  if (credential) await report(credential, exposeSecret, failure);
  if (failure) failOnce(failure);
}
