import { BundleError, errorMessage } from '../errors.js';

/**
 * Loads a lazily loaded part of the action (a chunk of dist/, its own file), turning a failure into a
 * BundleError. Each is loaded before the step that needs it changes anything: a missing file stops the run there.
 */
export async function loadChunk<T>(what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new BundleError(
      `Could not load ${what} (${errorMessage(error)}).`,
      "The action's dist/ folder is incomplete: use a released version of the action, or run `npm run build` and commit every file of dist/.",
      { cause: error }
    );
  }
}
