import type { ApiTokenStatus } from '../../cloudflare/running-token.js';
import type { ApiTokenStore } from '../../cloudflare/api-tokens.js';
import type { RotationPorts } from '../service-token/ports.js';

/** Everything an API token run talks to: the service token ports, with the API token store instead. */
export interface ApiTokenPorts extends Omit<RotationPorts, 'tokens' | 'verify' | 'checkApiToken'> {
  /** Verifies cloudflare-api-token itself; its id tells whether the run rotates its own token. */
  checkApiToken(): Promise<ApiTokenStatus>;
  readonly apiTokens: ApiTokenStore;
  /** Waits between attempts to verify a new value (tests pass a fake). */
  sleep(ms: number): Promise<void>;
}
