import * as core from '@actions/core';
import { LostSecretError, errorMessage } from '../errors.js';
import type { IssuedCredential, TokenState } from '../credentials/service-token/model.js';
import { parseGoDuration } from '../settings/duration.js';
import { expiryOf, hasIdentity, toTokenState } from './token-state.js';

type Raw = Record<string, unknown>;

const asRecord = (raw: unknown): Raw => (raw ?? {}) as Raw;

/** A secret exists from this line on: mask it before anything can print it. */
function secretOf(raw: unknown, operation: string): string {
  const secret = asRecord(raw).client_secret;
  if (typeof secret !== 'string' || !secret) {
    throw new LostSecretError(
      `Cloudflare answered the ${operation} without a client_secret, so the new secret is unknown.`,
      'The previous secret keeps working until its grace ends; re-run to rotate again.'
    );
  }
  core.setSecret(secret);
  return secret;
}

/** Whether the answer itself says when the token expires (an expires_at, or duration forever). */
function tellsExpiry(raw: unknown): boolean {
  const record = asRecord(raw);
  return record.duration === 'forever' || typeof record.expires_at === 'string';
}

/**
 * The token as an answer describes it, with what the answer leaves out taken from what the run already
 * knew: create and rotate answers declare no expires_at, and any answer may omit a field.
 */
export function mergeAnswer(raw: unknown, known: TokenState): TokenState {
  const record = asRecord(raw);
  const answered = toTokenState({ id: known.id, client_id: known.clientId, ...record });
  return {
    ...answered,
    name: typeof record.name === 'string' ? answered.name : known.name,
    enabled: typeof record.enabled === 'boolean' ? answered.enabled : known.enabled,
    duration: answered.duration ?? known.duration,
    expiresAt: tellsExpiry(raw) ? expiryOf(record) : known.expiresAt
  };
}

/** A rotation's answer: the secret, and the token it belongs to (known before the call). */
export function issuedFrom(raw: unknown, operation: string, known: TokenState): IssuedCredential {
  const clientSecret = secretOf(raw, operation);
  return { clientSecret, token: mergeAnswer(raw, known) };
}

interface ReadBack {
  get(id: string): Promise<TokenState>;
  findByName(name: string): Promise<TokenState[]>;
}

/** The expiry an answer left out, read back; if that read fails, the expiry the run already assumed. */
export async function readBackExpiry(raw: unknown, token: TokenState, store: ReadBack): Promise<TokenState> {
  if (tellsExpiry(raw)) return token;
  try {
    const read = await store.get(token.id);
    return { ...token, expiresAt: read.expiresAt, hints: { ...token.hints, ...read.hints } };
  } catch (error) {
    core.warning(
      `Could not read back when service token ${token.id} expires (${errorMessage(error)}); the summary shows the expiry its duration implies.`
    );
    return token;
  }
}

/** When a token created now with this duration expires (null: forever or not a duration). */
function impliedExpiry(duration: string | undefined): Date | null {
  const ms = duration === undefined || duration === 'forever' ? undefined : parseGoDuration(duration);
  return ms === undefined ? null : new Date(Date.now() + ms);
}

/**
 * A create's answer holds the secret; its id and client id are declared but read back by name when missing,
 * and so is the expiry, which the create answer does not declare. Only an unknown client id loses the secret.
 */
export async function readBackCreated(
  raw: unknown,
  requested: { name: string; duration: string },
  store: ReadBack
): Promise<IssuedCredential> {
  const clientSecret = secretOf(raw, 'create');
  let known: TokenState;
  if (hasIdentity(raw)) {
    const answered = toTokenState(raw);
    known = {
      ...answered,
      name: typeof asRecord(raw).name === 'string' ? answered.name : requested.name,
      duration: answered.duration ?? requested.duration,
      expiresAt: tellsExpiry(raw) ? answered.expiresAt : impliedExpiry(requested.duration)
    };
  } else {
    const found = await store.findByName(requested.name).catch(() => []);
    if (found.length !== 1 || !found[0]) {
      throw new LostSecretError(
        `Cloudflare created service token '${requested.name}' but its answer named neither the token's id nor its client id, and reading it back by name found ${found.length} token(s).`,
        'No target holds the new secret: re-run with mode auto, which rotates the token and writes every target.'
      );
    }
    known = found[0];
  }
  return { clientSecret, token: await readBackExpiry(raw, known, store) };
}
