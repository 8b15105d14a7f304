import * as core from '@actions/core';
// A named import: the tree-shaking pre-pass keeps only this function of @actions/core (not its OIDC client).
import { error as printError } from '@actions/core';
import { errorMessage } from '../errors.js';

/** Prints a thrown error's message, documented where it is thrown (README Troubleshooting), not here. */
const annotate = (message: string): void => printError(message);

/** Failures already printed as `::error::` inside the step they happened in. */
const reported = new WeakSet<object>();

/**
 * One step of the protocol as a log group, like `core.group`, except that a failure is printed as `::error::`
 * inside the group, right after the output that led to it; the top level then fails without repeating it.
 */
export async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  core.startGroup(name);
  try {
    return await body();
  } catch (error) {
    if (typeof error === 'object' && error !== null && !reported.has(error)) {
      annotate(errorMessage(error));
      reported.add(error);
    }
    throw error;
  } finally {
    core.endGroup();
  }
}

/** Fails the action once: a failure a step already printed only sets the exit code. */
export function failOnce(failure: Error): void {
  if (reported.has(failure)) process.exitCode = core.ExitCode.Failure;
  else core.setFailed(failure.message);
}
