import sodium from 'libsodium-wrappers';

/**
 * Encrypts a secret for GitHub: a libsodium sealed box with the target's X25519 public key, base64 encoded
 * (the format GitHub's secrets API expects). Only GitHub's private key can open it.
 */
export async function sealSecret(plaintext: string, base64PublicKey: string): Promise<string> {
  await sodium.ready;
  const key = sodium.from_base64(base64PublicKey, sodium.base64_variants.ORIGINAL);
  const sealed = sodium.crypto_box_seal(sodium.from_string(plaintext), key);
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL);
}
