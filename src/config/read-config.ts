import { readRunningTokens } from '../settings/common.js';
import { checkConflicts } from './conflicts.js';
import { readEntries, type ConfigEntry } from './entries.js';
import { loadConfigText } from './load.js';
import { parseConfig } from './parse.js';
import { checkFileKeys, checkStepInputs } from './validate.js';

export { configInput } from './config-input.js';

/**
 * The whole file, validated before any request: the YAML, its keys, no credential in it, the step's inputs
 * beside it, every entry by the rules of the step's inputs, duplicate tokens and names written twice.
 */
export function readConfig(path: string, env: NodeJS.ProcessEnv = process.env): ConfigEntry[] {
  const tokens = readRunningTokens();
  checkStepInputs();
  const file = parseConfig(path, loadConfigText(path, env));
  checkFileKeys(file, [tokens.cloudflareApiToken, tokens.githubToken]);
  const entries = readEntries(file, env);
  checkConflicts(path, entries);
  return entries;
}
