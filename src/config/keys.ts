// Which of the action's inputs a `config` file may hold, and what the same input on the step means beside it.
// No imports: scripts/readme-tables.ts reads this table too, to generate the README's config-keys table.

/** How an input of action.yml relates to a `config` file. */
export type ConfigKeyRole =
  /** In `defaults:` or an entry; on the step it is a default below `defaults:`. */
  | 'default'
  /** Names one credential: in an entry (or `defaults:`), never on the step beside `config`. */
  | 'entry'
  /** Only on the step; it applies to every entry (the run's tokens, API hosts, mode, dry run). */
  | 'step'
  /** Refused together with `config`. */
  | 'refused';

export const CONFIG_KEY_ROLES: Readonly<Record<string, ConfigKeyRole>> = {
  'cloudflare-api-token': 'step',
  credential: 'default',
  'account-id': 'default',
  'zone-id': 'default',
  'token-name': 'entry',
  'token-id': 'entry',
  'api-token-policy': 'entry',
  'api-token-secret-name': 'entry',
  strategy: 'default',
  mode: 'step',
  'min-days-for-renewal': 'default',
  duration: 'default',
  'previous-secret-grace': 'default',
  'revoke-previous': 'default',
  'verify-url': 'entry',
  'access-policy-id': 'default',
  'max-idle-days': 'default',
  'github-token': 'step',
  targets: 'entry',
  'client-id-secret-name': 'entry',
  'client-id-as-variable': 'default',
  'client-secret-secret-name': 'entry',
  'allow-overwrite': 'entry',
  'dry-run': 'step',
  'expose-secret': 'refused',
  'cloudflare-api-url': 'step',
  'github-api-url': 'step',
  config: 'step'
};

/** The README's words for each role: where the key may be written, and what it does on the step. */
export const CONFIG_ROLE_TEXT: Readonly<Record<ConfigKeyRole, { file: string; step: string }>> = {
  default: { file: '`defaults:` or an entry', step: 'default below `defaults:`' },
  entry: { file: 'an entry or `defaults:`', step: 'refused beside `config`' },
  step: { file: 'refused', step: 'applies to every entry' },
  refused: { file: 'refused', step: 'refused beside `config`' }
};
