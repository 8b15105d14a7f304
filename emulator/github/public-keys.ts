// Real X25519 key pairs per secret scope (repository, environment, organization, Dependabot...), so every
// secret the action writes is actually opened with crypto_box_seal_open and checked.
// libsodium must be ready (await sodium.ready) before the first key is made; startEmulator does that.

import { randomInt } from 'node:crypto';
import sodium from 'libsodium-wrappers';

interface KeyPair {
  keyId: string;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export type OpenResult =
  { ok: true; plaintext: string } | { ok: false; reason: 'wrong-key' | 'undecryptable' };

export class PublicKeys {
  readonly #pairs = new Map<string, KeyPair>();

  /** The scope's current key, made on first use. */
  current(scopeKey: string): { key_id: string; key: string } {
    const pair = this.#pair(scopeKey);
    return { key_id: pair.keyId, key: sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL) };
  }

  /** Replaces the scope's key pair, as GitHub may do; values sealed for the old key are then refused. */
  rotate(scopeKey: string): { key_id: string; key: string } {
    this.#pairs.delete(scopeKey);
    return this.current(scopeKey);
  }

  open(scopeKey: string, keyId: string, encryptedBase64: string): OpenResult {
    const pair = this.#pair(scopeKey);
    if (keyId !== pair.keyId) return { ok: false, reason: 'wrong-key' };
    try {
      const sealed = sodium.from_base64(encryptedBase64, sodium.base64_variants.ORIGINAL);
      const opened = sodium.crypto_box_seal_open(sealed, pair.publicKey, pair.privateKey);
      return { ok: true, plaintext: new TextDecoder('utf-8', { fatal: true }).decode(opened) };
    } catch {
      return { ok: false, reason: 'undecryptable' };
    }
  }

  #pair(scopeKey: string): KeyPair {
    let pair = this.#pairs.get(scopeKey);
    if (!pair) {
      const { publicKey, privateKey } = sodium.crypto_box_keypair();
      pair = { keyId: newKeyId(), publicKey, privateKey };
      this.#pairs.set(scopeKey, pair);
    }
    return pair;
  }
}

/** GitHub key ids are long decimal strings such as "568250167242549743". */
function newKeyId(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e8)).padStart(8, '0')}`;
}
