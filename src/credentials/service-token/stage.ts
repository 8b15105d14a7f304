import { ConcurrentRotationError } from '../../errors.js';
import type { IssuedCredential, TokenState } from './model.js';
import { lastRotation, type Plan } from './plan.js';
import { logStep } from '../../run/record.js';
import type { ServiceTokenPorts } from './ports.js';
import type { ServiceTokenRecord } from './record.js';
import type { ServiceTokenRunSettings } from './settings.js';

/** Aborts when another run rotated the token after this run observed it: writing now would mix secrets. */
async function assertUnchanged(observed: TokenState, ports: ServiceTokenPorts): Promise<TokenState> {
  const current = await ports.tokens.get(observed.id);
  const rotatedElsewhere =
    current.clientSecretVersion !== undefined
      ? current.clientSecretVersion !== observed.clientSecretVersion
      : current.updatedAt.getTime() !== observed.updatedAt.getTime();
  if (rotatedElsewhere) {
    throw new ConcurrentRotationError(
      `Service token '${observed.name}' (${observed.id}) changed while this run was reading its targets (client_secret_version ${observed.clientSecretVersion ?? '?'} → ${current.clientSecretVersion ?? '?'}, updated ${current.updatedAt.toISOString()}): another run is probably rotating it. Nothing was written.`,
      "Run rotations of one token one at a time with a workflow 'concurrency' group (concurrency: { group: rotate-<token-name>, cancel-in-progress: false }), then re-run."
    );
  }
  return current;
}

/**
 * A change to the token moves its updated_at, which would make fresh targets look stale. When there is no
 * previous secret (never rotated) or its grace is over, the change can also set the previous secret's expiry
 * to the time the current secret was issued, without effect on who may sign in: the next run then still
 * sees when the secret was issued (see `lastRotation`).
 */
function keepRotationMark(token: TokenState, now: Date): Date | undefined {
  const previous = token.previousSecretExpiresAt;
  if (previous === undefined) return undefined;
  return previous === null || previous.getTime() <= now.getTime() ? lastRotation(token) : undefined;
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
  record: ServiceTokenRecord
): Promise<IssuedCredential | undefined> {
  const duration = settings.duration.text;
  if (plan.action === 'create') {
    const issued = await ports.tokens.create(settings.tokenName as string, duration);
    record.token = issued.token;
    record.issuedSecret = issued.clientSecret;
    record.staged = true;
    logStep(record, `Created service token '${issued.token.name}' (${issued.token.id}).`);
    return issued;
  }
  const token = observed;
  if (!token) throw new Error('Only a create has no token to start from.');
  if (plan.action === 'refresh') {
    record.token = await ports.tokens.update(token, {
      duration,
      previousSecretExpiresAt: keepRotationMark(token, ports.now())
    });
    record.staged = true;
    logStep(record, `Extended the expiry of '${token.name}' by ${duration}; the secret is unchanged.`);
    return undefined;
  }
  let current = await assertUnchanged(token, ports);
  if (plan.renew) {
    // Renew before rotating: the rotation must stay the token's last change, or fresh targets look stale.
    current = await ports.tokens.update(current, { duration });
    record.token = current;
    logStep(record, `Renewed '${token.name}' for ${duration}.`);
  }
  const validUntil = new Date(ports.now().getTime() + settings.serviceToken.previousSecretGraceMs);
  const issued = await ports.tokens.rotate(current, validUntil);
  record.token = issued.token;
  record.issuedSecret = issued.clientSecret;
  record.previousSecretValidUntil = validUntil;
  record.staged = true;
  logStep(
    record,
    `Rotated the secret of '${token.name}'; the previous secret works until ${validUntil.toISOString()}.`
  );
  return issued;
}
