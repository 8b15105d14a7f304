import * as core from '@actions/core';
import { resultOf } from './result.js';
import type { TargetOutcome } from '../targets/slots.js';
import type { CredentialReport } from './credential-report.js';

export interface TargetEntry {
  readonly target: string;
  readonly secret: string;
  readonly status: string;
}

/** One entry per target and slot, in the order of the `targets` input and the credential's slots. */
export function targetEntries(outcomes: readonly TargetOutcome[]): TargetEntry[] {
  return outcomes.flatMap((outcome) =>
    outcome.slots.map((slot) => ({
      target: outcome.label,
      // A variable shows as it is referenced in a workflow: vars.NAME.
      secret: slot.as === 'variable' ? `vars.${slot.slot.name}` : slot.slot.name,
      status: slot.status
    }))
  );
}

export function setOutputs(report: CredentialReport, exposeSecret: boolean, failure?: Error): void {
  const { record } = report;
  const result = resultOf(record, failure);
  if (result) core.setOutput('result', result);
  for (const [name, value] of report.outputs) core.setOutput(name, value);
  if (record.outcomes.length) core.setOutput('targets', JSON.stringify(targetEntries(record.outcomes)));
  // Masked since it was issued; exposed only on request, for later steps of the same job.
  if (exposeSecret && record.issuedSecret) core.setOutput(report.secretOutput, record.issuedSecret);
}
