import type { ApiTokenStore } from '../../cloudflare/api-token-store.js';
import type { RunningTokenStatus } from '../../cloudflare/running-token.js';
import type { Clock } from '../../run/retry.js';
import type { TargetPorts } from '../../targets/ports.js';

/** Everything an API token run talks to. Production wires the real adapters; tests pass in-memory ones. */
export interface ApiTokenPorts extends TargetPorts, Clock {
  /** Verifies cloudflare-api-token itself; its id tells whether the run rotates its own token. */
  checkApiToken(): Promise<RunningTokenStatus>;
  readonly apiTokens: ApiTokenStore;
  /** The running repository and the secrets its workflow passes as cloudflare-api-token (empty: not known). */
  readonly workflow?: { readonly repository: string | undefined; readonly tokenSecrets: readonly string[] };
}
