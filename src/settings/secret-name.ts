import { InputError } from '../errors.js';

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** GitHub's rules for secret names, checked before anything is changed. GitHub stores them upper case. */
export function parseSecretName(input: string, value: string): string {
  if (!SECRET_NAME.test(value)) {
    throw new InputError(
      input,
      `'${value}' is not a valid secret name`,
      'Use letters, digits and underscores only, not starting with a digit (for example CF_ACCESS_CLIENT_ID).'
    );
  }
  if (/^GITHUB_/i.test(value)) {
    throw new InputError(
      input,
      `'${value}' starts with GITHUB_`,
      'GitHub reserves that prefix; choose another name.'
    );
  }
  return value.toUpperCase();
}
