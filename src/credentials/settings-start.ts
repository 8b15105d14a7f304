import { loadChunk } from '../runtime/chunks.js';
import { readCommonInputs, readRunningTokens } from '../settings/common.js';
import { readCredential } from '../settings/choices.js';
import { rejectOtherCredentialsInputs } from '../settings/inputs.js';
import type { ApiTokenRunSettings } from './api-token/settings.js';
import { readServiceTokenSettings, type ServiceTokenRunSettings } from './service-token/settings.js';

/** Every input of the action, parsed and validated once: the common ones and the credential's own. */
export type Settings = ServiceTokenRunSettings | ApiTokenRunSettings;

/** What every credential's settings start from: the running tokens, the credential, the common inputs. */
export function settingsStart(env: NodeJS.ProcessEnv) {
  const tokens = readRunningTokens();
  const credential = readCredential();
  rejectOtherCredentialsInputs(credential);
  return { credential, common: () => ({ ...tokens, ...readCommonInputs(env) }) };
}

/**
 * readSettings as the action runs it: the API token part (its inputs, the policy's YAML parser) is a chunk of
 * its own in dist/, loaded only when credential is api-token.
 */
export async function loadSettings(env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const { credential, common } = settingsStart(env);
  if (credential !== 'api-token') return readServiceTokenSettings(common);
  const { readApiTokenSettings } = await loadChunk(
    'the API token part',
    () => import('./api-token/settings.js')
  );
  return readApiTokenSettings(common, new Date());
}
