// Encrypted secrets of every scope. Values arrive sealed for the scope's public key and are opened here, so a
// test can read back exactly what the action wrote.

import type { Clock } from '../clock.ts';
import { parseTimestamp } from '../timestamps.ts';
import { unprocessable } from './errors.ts';
import type { PublicKeys } from './public-keys.ts';
import { normalName, scopeKey } from './scopes.ts';
import type { SecretRef, SecretScope, Visibility } from './scopes.ts';

export interface StoredSecret {
  name: string;
  plaintext: string;
  /** The public key the value was sealed for; undefined for seeded secrets. */
  keyId: string | undefined;
  createdAt: number;
  updatedAt: number;
  /** Organization scopes only. */
  visibility: Visibility | undefined;
  selectedRepositoryIds: number[];
}

export type SecretSeed = SecretRef & {
  value: string;
  createdAt?: string;
  /** Set it in the past to model a target an earlier run did not refresh. */
  updatedAt?: string;
  visibility?: Visibility;
  selectedRepositoryIds?: number[];
};

export interface SecretWrite {
  encryptedValue: string;
  keyId: string;
  visibility?: Visibility;
  selectedRepositoryIds?: number[];
}

export class SecretStore {
  readonly #clock: Clock;
  readonly #keys: PublicKeys;
  readonly #scopes = new Map<string, { scope: SecretScope; secrets: Map<string, StoredSecret> }>();

  constructor(clock: Clock, keys: PublicKeys) {
    this.#clock = clock;
    this.#keys = keys;
  }

  /** Opens the sealed value and stores it; 422 for a stale key id or a value that does not open. */
  put(scope: SecretScope, name: string, write: SecretWrite): 'created' | 'updated' {
    const opened = this.#keys.open(scopeKey(scope), write.keyId, write.encryptedValue);
    if (!opened.ok) {
      throw unprocessable(
        opened.reason === 'wrong-key'
          ? `key_id ${write.keyId} is not the current public key for this scope; fetch the public key again.`
          : 'encrypted_value could not be opened with the public key: seal it with crypto_box_seal and encode it in base64.'
      );
    }
    const now = this.#clock.nowMs();
    const existing = this.get(scope, name);
    const visibility = write.visibility ?? existing?.visibility;
    this.#secretsOf(scope).set(normalName(name), {
      name: normalName(name),
      plaintext: opened.plaintext,
      keyId: write.keyId,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      visibility,
      selectedRepositoryIds:
        visibility === 'selected'
          ? (write.selectedRepositoryIds ?? existing?.selectedRepositoryIds ?? [])
          : []
    });
    return existing ? 'updated' : 'created';
  }

  get(scope: SecretScope, name: string): StoredSecret | undefined {
    return this.#scopes.get(scopeKey(scope))?.secrets.get(normalName(name));
  }

  list(scope: SecretScope): StoredSecret[] {
    return [...(this.#scopes.get(scopeKey(scope))?.secrets.values() ?? [])].sort((a, b) =>
      a.name.localeCompare(b.name)
    );
  }

  delete(scope: SecretScope, name: string): boolean {
    return this.#scopes.get(scopeKey(scope))?.secrets.delete(normalName(name)) ?? false;
  }

  /** Every secret with its scope, for inspection over the control API. */
  all(): Array<{ scope: SecretScope; secret: StoredSecret }> {
    return [...this.#scopes.values()].flatMap(({ scope, secrets }) =>
      [...secrets.values()].map((secret) => ({ scope, secret }))
    );
  }

  seed(seed: SecretSeed): void {
    const { value, createdAt, updatedAt, visibility, selectedRepositoryIds, name, ...scope } = seed;
    const created = parseTimestamp(createdAt) ?? parseTimestamp(updatedAt) ?? this.#clock.nowMs();
    this.#secretsOf(scope).set(normalName(name), {
      name: normalName(name),
      plaintext: value,
      keyId: undefined,
      createdAt: created,
      updatedAt: parseTimestamp(updatedAt) ?? created,
      visibility: visibility ?? ('org' in scope ? 'private' : undefined),
      selectedRepositoryIds: selectedRepositoryIds ?? []
    });
  }

  #secretsOf(scope: SecretScope): Map<string, StoredSecret> {
    const key = scopeKey(scope);
    let entry = this.#scopes.get(key);
    if (!entry) {
      entry = { scope, secrets: new Map() };
      this.#scopes.set(key, entry);
    }
    return entry.secrets;
  }
}
