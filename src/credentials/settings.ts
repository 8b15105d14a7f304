import { readCommonInputs, readRunningTokens } from '../settings/common.js';
import { rejectOtherCredentialsInputs } from '../settings/inputs.js';
import { readCredential } from '../settings/choices.js';
import { readApiTokenSettings, type ApiTokenRunSettings } from './api-token/settings.js';
import { readServiceTokenSettings, type ServiceTokenRunSettings } from './service-token/settings.js';

/** Every input of the action, parsed and validated once: the common ones and the credential's own. */
export type Settings = ServiceTokenRunSettings | ApiTokenRunSettings;

/** Reads and validates every input once. Throws an InputError naming the first bad input. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const tokens = readRunningTokens();
  const credential = readCredential();
  rejectOtherCredentialsInputs(credential);
  const common = () => ({ ...tokens, ...readCommonInputs(env) });
  return credential === 'api-token'
    ? readApiTokenSettings(common, new Date())
    : readServiceTokenSettings(common);
}
