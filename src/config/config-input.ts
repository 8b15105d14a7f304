import { optional } from '../settings/inputs.js';

/**
 * The `config` input: a path, or undefined for a run of the one credential the step's inputs describe. A file of
 * its own, so that the action's entry can ask without loading the config part (and its YAML parser).
 */
export function configInput(): string | undefined {
  return optional('config');
}
