import * as core from '@actions/core';
import { ConcurrentRotationError, LostSecretError, UnsupportedRotationError } from '../../errors.js';
import { logStep } from '../../run/record.js';
import type { IssuedCredential, TokenState } from './model.js';
import type { Plan } from './plan.js';
import type { ServiceTokenPorts } from './ports.js';
import { ONE_ROTATION_AT_A_TIME, type RecordKeeper } from './record-keeper.js';
import type { ServiceTokenRecord } from './record.js';
import { renew } from './renew.js';
import type { ServiceTokenRunSettings } from './settings.js';

/**
 * Aborts when the token changed in a way that shows another rotation since this run observed it. Only
 * undeclared fields can show that; the record (re-read before the rotation) is the declared guard.
 */
async function assertUnchanged(observed: TokenState, ports: ServiceTokenPorts): Promise<TokenState> {
  const current = await ports.tokens.get(observed.id);
  const before = observed.hints.clientSecretVersion;
  const after = current.hints.clientSecretVersion;
  if (before !== undefined && after !== undefined && before !== after) {
    throw new ConcurrentRotationError(
      `Service token '${observed.name}' (${observed.id}) was rotated while this run was reading its targets (client_secret_version ${before} → ${after}): another run is probably rotating it. Nothing was written.`,
      ONE_ROTATION_AT_A_TIME
    );
  }
  return current;
}

/**
 * A zone-scoped token rotates by a PUT that bumps client_secret_version. Cloudflare's schema declares neither
 * that field in reads nor the secret in the PUT's answer: rotate only where the API shows it still sends them
 * (the version in the token's read), with the record's count as a cross-check.
 */
export function nextZoneVersion(token: TokenState, recorded?: number): number {
  const reported = token.hints.clientSecretVersion;
  if (reported === undefined) {
    throw new UnsupportedRotationError(
      `Service token '${token.name}' (${token.id}) is zone-scoped. Cloudflare rotates those only with a PUT that raises client_secret_version, and this API did not report the version${recorded === undefined ? '' : ` (the rotation record says ${recorded})`}; its current schema does not promise the new secret in that PUT's answer either, so a rotation could lose it. Nothing was changed.`,
      'Use an account-scoped service token (account-id instead of zone-id): account scope has a rotate endpoint that returns the secret. Or rotate this token in the dashboard.'
    );
  }
  return reported + 1;
}

/** Runs the issuing call; when it fails without having taken effect, the record goes back to what it was. */
async function unlessItFailed<T>(keeper: RecordKeeper, issue: () => Promise<T>): Promise<T> {
  try {
    return await issue();
  } catch (error) {
    // A lost answer may have issued a secret, and a rival run owns the record now: keep "issuing" then.
    if (!(error instanceof LostSecretError || error instanceof ConcurrentRotationError))
      await keeper.abandon();
    throw error;
  }
}

async function create(
  settings: ServiceTokenRunSettings,
  ports: ServiceTokenPorts,
  record: ServiceTokenRecord,
  keeper: RecordKeeper
): Promise<IssuedCredential> {
  const name = settings.tokenName as string;
  await keeper.beforeIssue({
    token: undefined,
    tokenName: name,
    issuedAt: ports.now(),
    clientSecretVersion: 1,
    previousValidUntil: undefined
  });
  const issued = await unlessItFailed(keeper, () => ports.tokens.create(name, settings.duration.text));
  record.token = issued.token;
  record.issuedSecret = issued.clientSecret;
  record.staged = true;
  logStep(record, `Created service token '${issued.token.name}' (${issued.token.id}).`);
  await keeper.issued(issued.token, 1);
  return issued;
}

async function rotate(
  plan: Plan,
  observed: TokenState,
  settings: ServiceTokenRunSettings,
  ports: ServiceTokenPorts,
  record: ServiceTokenRecord,
  keeper: RecordKeeper
): Promise<IssuedCredential> {
  const zone = ports.tokens.scopeKind === 'zone';
  const version = zone ? nextZoneVersion(observed, keeper.record?.clientSecretVersion) : undefined;
  const issuedAt = ports.now();
  const validUntil = new Date(issuedAt.getTime() + settings.serviceToken.previousSecretGraceMs);
  await keeper.beforeIssue({
    token: observed,
    tokenName: observed.name,
    issuedAt,
    // The version the rotation makes, where known before it (zone scope); otherwise unknown until it answers,
    // so that a run killed after the rotation leaves no version for the next run to call foreign.
    clientSecretVersion: version,
    previousValidUntil: validUntil
  });
  const issued = await unlessItFailed(keeper, async () => {
    let current = await assertUnchanged(observed, ports);
    // Renew before rotating, so that a renewal that fails leaves the secrets as they were.
    if (plan.renew) current = await renew(current, settings.duration, ports, record);
    return ports.tokens.rotate(current, validUntil, version);
  });
  record.token = issued.token;
  record.issuedSecret = issued.clientSecret;
  record.previousSecretValidUntil = validUntil;
  record.staged = true;
  // The summary gives the previous secret's final end once ("Previous secret valid until"); the log has each.
  record.steps.push(
    `Rotated the secret of '${observed.name}'; the previous secret keeps working for a grace.`
  );
  core.info(
    `Rotated the secret of '${observed.name}'; the previous secret works until ${validUntil.toISOString()}.`
  );
  await keeper.issued(issued.token, version ?? issued.token.hints.clientSecretVersion);
  return issued;
}

/**
 * Creates, renews or rotates the token. A rotation keeps the previous secret valid for the grace period,
 * so every consumer keeps working while the new secret is distributed. Returns the new secret, if any.
 */
export async function stage(
  plan: Plan,
  observed: TokenState | undefined,
  settings: ServiceTokenRunSettings,
  ports: ServiceTokenPorts,
  record: ServiceTokenRecord,
  keeper: RecordKeeper
): Promise<IssuedCredential | undefined> {
  if (plan.action === 'create') return create(settings, ports, record, keeper);
  if (!observed) throw new Error('Only a create has no token to start from.');
  if (plan.action === 'refresh') {
    record.token = await renew(observed, settings.duration, ports, record);
    record.staged = true;
    return undefined;
  }
  return rotate(plan, observed, settings, ports, record, keeper);
}
