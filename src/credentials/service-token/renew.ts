import { RenewalError } from '../../errors.js';
import { logStep } from '../../run/record.js';
import type { TokenDuration } from '../../settings/duration.js';
import type { TokenState } from './model.js';
import type { ServiceTokenPorts } from './ports.js';
import type { ServiceTokenRecord } from './record.js';

/** Whether the expiry moved as a renewal for `duration` must move it. */
function moved(before: TokenState, after: TokenState, duration: TokenDuration): boolean {
  if (duration.forever) return after.expiresAt === null;
  if (after.expiresAt === null) return false;
  return before.expiresAt === null || after.expiresAt.getTime() > before.expiresAt.getTime();
}

/**
 * Extends the token's expiry by `duration` (a PUT), then checks that the expiry really moved, reading it back
 * when the answer looks unchanged. If it did not move, account scope falls back to …/refresh; otherwise the run
 * fails, rather than renewing (and rotating) again on every run.
 */
export async function renew(
  token: TokenState,
  duration: TokenDuration,
  ports: ServiceTokenPorts,
  record: ServiceTokenRecord
): Promise<TokenState> {
  let after = await ports.tokens.update(token, { duration: duration.text });
  if (!moved(token, after, duration)) after = await ports.tokens.get(token.id);
  if (!moved(token, after, duration) && ports.tokens.scopeKind === 'account') {
    await ports.tokens.refresh(after);
    after = await ports.tokens.get(token.id);
  }
  if (!moved(token, after, duration)) {
    throw new RenewalError(
      `Renewing service token '${token.name}' (${token.id}) for ${duration.text} did not move its expiry (still ${after.expiresAt?.toISOString() ?? 'none'}); the secret was not rotated.`,
      'Extend it in the dashboard (Zero Trust → Access → Service credentials → Refresh), or create a new token; until then each run stops here instead of renewing again.'
    );
  }
  record.token = after;
  logStep(
    record,
    `Renewed '${token.name}' for ${duration.text}: it now ${after.expiresAt ? `expires at ${after.expiresAt.toISOString()}` : 'never expires'}.`
  );
  return after;
}
