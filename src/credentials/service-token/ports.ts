import type { ApiTokenStatus } from '../../cloudflare/running-token.js';
import type { ServiceTokenStore } from '../../cloudflare/service-tokens.js';
import type { SecretTarget } from '../../github/secret-targets.js';

/** Everything the rotation talks to. Production wires the real adapters; tests pass in-memory ones. */
export interface RotationPorts {
  /** Verifies cloudflare-api-token itself (active, and when it expires). */
  checkApiToken(): Promise<ApiTokenStatus>;
  readonly tokens: ServiceTokenStore;
  readonly targets: readonly SecretTarget[];
  /** Whether a repository is archived (read-only), for the check before anything changes. */
  isArchived(owner: string, repo: string): Promise<boolean>;
  /** Seals a plaintext for a base64 public key. */
  seal(plaintext: string, publicKey: string): Promise<string>;
  /** Requests the protected URL with the credential; resolves on a 2xx, throws otherwise. */
  verify(clientId: string, clientSecret: string): Promise<void>;
  now(): Date;
}
