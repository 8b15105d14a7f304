import * as core from '@actions/core';
import { InputError } from '../errors.js';
import type { Credential } from './settings.js';

export interface InputSpec {
  /** action.yml's default, which the runner fills in; used where the runner does not (local runs, tests). */
  readonly default?: string;
  /** The one credential that uses the input: any other value in the other kind of run is refused. */
  readonly only?: Credential;
}

/** Every input of the action, with its default: the one table the settings read. */
export const INPUTS = {
  'cloudflare-api-token': {},
  credential: { default: 'access-service-token' },
  'account-id': {},
  'zone-id': {},
  'token-name': {},
  'token-id': {},
  'api-token-policy': {},
  'api-token-secret-name': { only: 'api-token' },
  strategy: { default: 'replace', only: 'api-token' },
  mode: { default: 'auto' },
  'min-days-for-renewal': { default: '30' },
  duration: { default: '8760h' },
  'previous-secret-grace': { default: '24h', only: 'access-service-token' },
  'revoke-previous': { default: 'false', only: 'access-service-token' },
  'verify-url': {},
  'access-policy-id': { only: 'access-service-token' },
  'max-idle-days': {},
  'github-token': {},
  targets: {},
  'client-id-secret-name': { default: 'CF_ACCESS_CLIENT_ID', only: 'access-service-token' },
  'client-id-as-variable': { default: 'false', only: 'access-service-token' },
  'client-secret-secret-name': { default: 'CF_ACCESS_CLIENT_SECRET', only: 'access-service-token' },
  'allow-overwrite': { default: 'false', only: 'access-service-token' },
  'dry-run': { default: 'false' },
  'expose-secret': { default: 'false' },
  'cloudflare-api-url': { default: 'https://api.cloudflare.com/client/v4' },
  'github-api-url': {},
  config: {}
} as const satisfies Record<string, InputSpec>;

export type InputName = keyof typeof INPUTS;

/**
 * Where the settings read their inputs: the step's `with:` block, or one entry of a `config` file (its values
 * over `defaults:` over the step's inputs, see src/config/). Values come trimmed; '' when unset.
 */
export interface InputSource {
  get(name: InputName): string;
}

/** The step's own inputs (with `config`, the last place an entry's value comes from). */
export const STEP_INPUTS: InputSource = { get: (name) => core.getInput(name) };
let source: InputSource = STEP_INPUTS;

/** Reads settings from `inputs` instead of the step's inputs, for the duration of `read` (synchronous). */
export function readingFrom<T>(inputs: InputSource, read: () => T): T {
  const previous = source;
  source = inputs;
  try {
    return read();
  } finally {
    source = previous;
  }
}

const get = (name: InputName): string => source.get(name);

/** The input as given, else its default ('' when it has none). */
export function input(name: InputName): string {
  const spec: InputSpec = INPUTS[name];
  return get(name) || (spec.default ?? '');
}

/** The input as given, trimmed; undefined when empty. */
export function optional(name: InputName): string | undefined {
  return get(name).trim() || undefined;
}

export function required(name: InputName): string {
  const value = get(name);
  if (!value) throw new InputError(name, 'is required', `Set '${name}' in the step's 'with:' block.`);
  return value;
}

/** A required input that is a credential: masked the moment it is read. */
export function secret(name: InputName): string {
  const value = required(name);
  core.setSecret(value);
  return value;
}

/** The YAML 1.2 core schema's booleans, as core.getBooleanInput reads them. */
const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

export function boolean(name: InputName): boolean {
  // The runner fills action.yml defaults; an unset input (local runs, tests) means false.
  const value = get(name);
  if (!value || FALSE.includes(value)) return false;
  if (TRUE.includes(value)) return true;
  throw new InputError(name, `'${value}' is not a boolean`, 'Use true or false.');
}

/** A value the run would silently ignore is more likely a mistake than a wish. */
export function rejectOtherCredentialsInputs(credential: Credential): void {
  for (const [name, spec] of Object.entries(INPUTS) as [InputName, InputSpec][]) {
    if (!spec.only || spec.only === credential) continue;
    const value = get(name);
    if (value && value.toLowerCase() !== (spec.default ?? '').toLowerCase()) {
      throw new InputError(
        name,
        `is set, but credential ${credential} does not use it`,
        'Remove it, or set credential to the kind of token it is meant for.'
      );
    }
  }
}
