import * as core from '@actions/core';

const DAY_MS = 86_400_000;

/** The summary's line about a token's last use (Cloudflare's last_seen_at or last_used_on). */
export function lastUseFact(lastUsed: Date | undefined): string {
  return `Last used: ${lastUsed ? lastUsed.toISOString() : 'not reported by Cloudflare'}.`;
}

/** An annotation when the token was last used longer ago than max-idle-days (undefined: no check). */
export function warnIfIdle(
  what: string,
  lastUsed: Date | undefined,
  maxIdleDays: number | undefined,
  now: Date
): void {
  if (!lastUsed || maxIdleDays === undefined || now.getTime() - lastUsed.getTime() <= maxIdleDays * DAY_MS)
    return;
  core.warning(
    `${what} was last used at ${lastUsed.toISOString()}, more than max-idle-days (${maxIdleDays}) ago.`
  );
}
