import { InputError } from '../errors.js';
import { input } from './inputs.js';
import { CREDENTIALS, MODES, type Credential, type Mode } from './settings.js';

/** How an API token is renewed: a new token (new id) or a new value for the same token. */
export type Strategy = 'replace' | 'roll';
export const STRATEGIES: readonly Strategy[] = ['replace', 'roll'];

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

function choiceError(input: string, value: string, what: string, values: readonly string[]): InputError {
  return new InputError(input, `'${value}' is not ${what}`, `Use one of ${values.join(', ')}.`);
}

/** The inputs with a fixed set of values, each checked against its list. */
export function readCredential(): Credential {
  const credential = input('credential');
  if (!isOneOf(CREDENTIALS, credential))
    throw choiceError('credential', credential, 'a credential', CREDENTIALS);
  return credential;
}

export function readMode(): Mode {
  const mode = input('mode');
  if (!isOneOf(MODES, mode)) throw choiceError('mode', mode, 'a mode', MODES);
  return mode;
}

export function readStrategy(): Strategy {
  const strategy = input('strategy');
  if (!isOneOf(STRATEGIES, strategy)) throw choiceError('strategy', strategy, 'a strategy', STRATEGIES);
  return strategy;
}
