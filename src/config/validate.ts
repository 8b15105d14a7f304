import { ConfigError } from '../errors.js';
import { INPUTS, STEP_INPUTS, type InputName, type InputSpec } from '../settings/inputs.js';
import { CONFIG_KEY_ROLES } from './keys.js';
import type { ConfigFile, ConfigSection } from './parse.js';
import { tokenLike } from './token-values.js';

const RUNNING_TOKENS = ['cloudflare-api-token', 'github-token'];

function checkKey(file: ConfigFile, section: ConfigSection, key: string, line: number): void {
  const at = `Config file ${file.path}, line ${line}: ${section.where}.${key}`;
  const role = CONFIG_KEY_ROLES[key];
  if (RUNNING_TOKENS.includes(key)) {
    throw new ConfigError(
      `${at}: a config file may not hold cloudflare-api-token or github-token.`,
      "Remove it (and revoke the token if it was committed); pass the token as the step's input, from a secret."
    );
  }
  if (!role || !(key in INPUTS)) {
    throw new ConfigError(
      `${at} is not an input of the action.`,
      'Use the keys of the README\'s "Many credentials" table (the kebab-case input names).'
    );
  }
  if (role === 'step') {
    throw new ConfigError(
      `${at} applies to the whole run and is set on the step only.`,
      `Remove it from the file and set ${key} in the step's 'with:' block.`
    );
  }
  if (role === 'refused') {
    throw new ConfigError(`${at} cannot be used with config.`, 'Remove it from the file.');
  }
}

/** Every key is an input the file may hold, and no value looks like a credential; `known`: the step's tokens. */
export function checkFileKeys(file: ConfigFile, known: readonly string[]): void {
  for (const section of [file.defaults, ...file.entries]) {
    for (const [key, { value, line }] of section.values) {
      checkKey(file, section, key, line);
      const looks = tokenLike(value, known);
      if (looks) {
        throw new ConfigError(
          `Config file ${file.path}, line ${line}: ${section.where}.${key} looks like ${looks}.`,
          "A config file is committed: remove the value (and revoke it if it is one); credentials come only from the step's inputs."
        );
      }
    }
  }
}

/** A value on the step that the runner did not fill in from action.yml's default. */
function setOnStep(name: InputName): boolean {
  const value = STEP_INPUTS.get(name);
  const spec: InputSpec = INPUTS[name];
  return value !== '' && value.toLowerCase() !== (spec.default ?? '').toLowerCase();
}

/** Beside `config`, the step holds only the run's inputs and defaults for every entry. */
export function checkStepInputs(): void {
  for (const [key, role] of Object.entries(CONFIG_KEY_ROLES)) {
    if ((role !== 'entry' && role !== 'refused') || !setOnStep(key as InputName)) continue;
    if (role === 'refused') {
      throw new ConfigError(
        `Input '${key}' cannot be used with config.`,
        `Remove ${key}: with config, a run manages many credentials, and its outputs never carry a secret.`
      );
    }
    throw new ConfigError(
      `Input '${key}' names one credential and is set on the step beside config.`,
      `Move it into the file: into an entry, or into defaults: for every entry.`
    );
  }
}
