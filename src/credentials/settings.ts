import { readApiTokenSettings } from './api-token/settings.js';
import { readServiceTokenSettings } from './service-token/settings.js';
import { settingsStart, type Settings } from './settings-start.js';

export type { Settings } from './settings-start.js';

/**
 * Reads and validates every input once. Throws an InputError naming the first bad input. (The action itself
 * uses loadSettings, which loads the API token part only for that credential.)
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const { credential, common } = settingsStart(env);
  return credential === 'api-token'
    ? readApiTokenSettings(common, new Date())
    : readServiceTokenSettings(common);
}
