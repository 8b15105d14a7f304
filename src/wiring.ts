import type { Settings } from './credentials/settings.js';
import { createRunClients, type RunClients } from './run-clients.js';
import { loadChunk } from './runtime/chunks.js';
import type { CredentialRun } from './wiring/shared.js';

export type { CredentialRun } from './wiring/shared.js';

// Each credential's code is a chunk of its own: a run loads the one it manages, not both.
const loadServiceTokenRun = () =>
  loadChunk('the service token rotation', () => import('./wiring/service-token.js'));
const loadApiTokenRun = () => loadChunk('the API token rotation', () => import('./wiring/api-token.js'));

/**
 * Loads the code of every credential a run manages before its first one starts, so that a missing chunk stops
 * a `config` run before any entry changed anything.
 */
export async function loadCredentialRuns(credentials: Iterable<Settings['credential']>): Promise<void> {
  const kinds = new Set(credentials);
  await Promise.all([
    kinds.has('api-token') ? loadApiTokenRun() : undefined,
    [...kinds].some((kind) => kind !== 'api-token') ? loadServiceTokenRun() : undefined
  ]);
}

/** `clients`: the run's shared clients (a `config` file's entries share them); by default, the credential's own. */
export async function credentialRun(
  settings: Settings,
  clients: RunClients = createRunClients(settings)
): Promise<CredentialRun> {
  if (settings.credential === 'api-token') return (await loadApiTokenRun()).apiTokenRun(settings, clients);
  return (await loadServiceTokenRun()).serviceTokenRun(settings, clients);
}
