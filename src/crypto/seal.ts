import type sodiumModule from 'libsodium-wrappers';
import { loadChunk } from '../runtime/chunks.js';

type Sodium = typeof sodiumModule;

let sodiumLoad: Promise<Sodium> | undefined;

/**
 * libsodium, loaded on first use (a chunk of its own in dist/: an unchanged run never loads it). The preflight
 * starts it before anything changes, so that a chunk that cannot be loaded stops the run there.
 */
export function loadSodium(): Promise<Sodium> {
  sodiumLoad ??= loadChunk('libsodium (sealing secrets)', async () => {
    const sodium = (await import('libsodium-wrappers')).default;
    await sodium.ready;
    return sodium;
  });
  return sodiumLoad;
}

/**
 * Encrypts a secret for GitHub: a libsodium sealed box with the target's X25519 public key, base64 encoded
 * (the format GitHub's secrets API expects). Only GitHub's private key can open it.
 */
export async function sealSecret(plaintext: string, base64PublicKey: string): Promise<string> {
  const sodium = await loadSodium();
  const key = sodium.from_base64(base64PublicKey, sodium.base64_variants.ORIGINAL);
  const sealed = sodium.crypto_box_seal(sodium.from_string(plaintext), key);
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL);
}
