/**
 * What the next run must know, kept by the action itself as a non-secret Actions variable: Cloudflare's
 * current schema declares no field that says when a secret was issued, or whether a rotation finished.
 */
export interface RotationRecord {
  /** undefined while a create is being issued (the id is not known yet). */
  readonly tokenId: string | undefined;
  readonly tokenName: string;
  /** "account 0123…" or "zone …". */
  readonly scope: string;
  /**
   * issuing: written just before a create or rotate (it may or may not have taken effect);
   * distributing: the new secret was issued and is being written; complete: every target holds it.
   */
  readonly state: 'issuing' | 'distributing' | 'complete';
  /** Taken just before the create or rotate call: every target written with the new secret is later. */
  readonly issuedAt: Date;
  /**
   * Since when a client id secret in a target is known to be this token's: the create, or the first rotation
   * of an adopted token (which writes the client id everywhere).
   */
  readonly clientIdSince: Date;
  /** How many secrets this action has issued for the token. */
  readonly rotations: number;
  /** The client_secret_version this action last set (zone-scoped rotations need it). */
  readonly clientSecretVersion: number | undefined;
  /** Until when the previous secret works, as last set by this action. */
  readonly previousValidUntil: Date | undefined;
}

const STATES: ReadonlyArray<RotationRecord['state']> = ['issuing', 'distributing', 'complete'];

export function serializeRecord(record: RotationRecord): string {
  return JSON.stringify({
    v: 1,
    token_id: record.tokenId ?? null,
    token_name: record.tokenName,
    scope: record.scope,
    state: record.state,
    issued_at: record.issuedAt.toISOString(),
    client_id_since: record.clientIdSince.toISOString(),
    rotations: record.rotations,
    client_secret_version: record.clientSecretVersion ?? null,
    previous_valid_until: record.previousValidUntil?.toISOString() ?? null
  });
}

const optionalTime = (value: unknown): Date | undefined | false => {
  if (value === null || value === undefined) return undefined;
  const parsed = typeof value === 'string' ? new Date(value) : undefined;
  return parsed && !Number.isNaN(parsed.getTime()) ? parsed : false;
};

/** The record in a variable's value, or the reason it is not one this action wrote. */
export function parseRecord(text: string): RotationRecord | { readonly invalid: string } {
  let raw: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return { invalid: 'not a JSON object' };
    raw = parsed as Record<string, unknown>;
  } catch {
    return { invalid: 'not JSON' };
  }
  const issuedAt = optionalTime(raw.issued_at);
  const clientIdSince = optionalTime(raw.client_id_since);
  const previous = optionalTime(raw.previous_valid_until);
  const state = STATES.find((known) => known === raw.state);
  const version = raw.client_secret_version;
  if (raw.v !== 1) return { invalid: `unknown record version ${JSON.stringify(raw.v)}` };
  if (typeof raw.token_name !== 'string' || typeof raw.scope !== 'string')
    return { invalid: 'no token name or scope' };
  if (raw.token_id !== null && typeof raw.token_id !== 'string')
    return { invalid: 'token_id is not a string' };
  if (!state || !issuedAt || !clientIdSince || previous === false)
    return { invalid: 'no valid state, issued_at, client_id_since or previous_valid_until' };
  if (!Number.isInteger(raw.rotations) || (version !== null && !Number.isInteger(version)))
    return { invalid: 'rotations or client_secret_version is not an integer' };
  return {
    tokenId: raw.token_id ?? undefined,
    tokenName: raw.token_name,
    scope: raw.scope,
    state,
    issuedAt,
    clientIdSince,
    rotations: raw.rotations as number,
    clientSecretVersion: (version as number | null) ?? undefined,
    previousValidUntil: previous
  };
}

/** The record a run reads: the parsed record, none, or one it cannot use (then it acts as if there were none). */
export type ObservedRecord =
  | { readonly kind: 'found'; readonly record: RotationRecord; readonly text: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'unusable'; readonly reason: string; readonly text: string };

export function observedRecord(text: string | undefined): ObservedRecord {
  if (text === undefined) return { kind: 'none' };
  const parsed = parseRecord(text);
  return 'invalid' in parsed
    ? { kind: 'unusable', reason: parsed.invalid, text }
    : { kind: 'found', record: parsed, text };
}
