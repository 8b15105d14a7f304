import type { Timing } from '../../settings/settings.js';
import type { VerifyAnswer } from './ports.js';

/**
 * One request to the protected URL with the credential's headers. Redirects are not followed: Access
 * redirects a request it does not accept to its login page, which must count as a failure.
 */
export async function requestVerifyUrl(
  url: URL,
  clientId: string,
  clientSecret: string,
  timing: Timing
): Promise<VerifyAnswer> {
  const response = await fetch(url, {
    headers: { 'CF-Access-Client-Id': clientId, 'CF-Access-Client-Secret': clientSecret },
    redirect: 'manual',
    signal: AbortSignal.timeout(Math.max(1000, Math.min(10_000, timing.verifyTimeoutMs)))
  });
  await response.body?.cancel();
  const location = response.headers.get('location');
  // Only where it leads, never its query: a login page URL can carry tokens.
  const target = location ? new URL(location, url) : undefined;
  return { status: response.status, redirect: target ? `${target.origin}${target.pathname}` : undefined };
}
