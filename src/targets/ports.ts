import type { SecretTarget } from '../github/secret-target.js';

/** What the fan-out talks to: the GitHub targets, the archived check and libsodium. Tests pass in-memory ones. */
export interface TargetPorts {
  readonly targets: readonly SecretTarget[];
  /** Whether a repository is archived (read-only), for the check before anything changes. */
  isArchived(owner: string, repo: string): Promise<boolean>;
  /** Seals a plaintext for a base64 public key. */
  seal(plaintext: string, publicKey: string): Promise<string>;
  /** Loads what sealing needs (libsodium), started by the preflight so that a failure comes before any change. */
  loadSeal?(): Promise<unknown>;
}
