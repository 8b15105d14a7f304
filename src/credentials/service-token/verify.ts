import * as core from '@actions/core';
import { VerificationError } from '../../errors.js';
import type { Timing } from '../../settings/settings.js';

/**
 * Requests the protected URL with the new credential until it answers 2xx or the time is up: Access may
 * take a few seconds to accept a new secret. Redirects are not followed: Access redirects a request it does
 * not accept to its login page, which must count as a failure.
 */
export async function verifyCredential(
  url: URL,
  clientId: string,
  clientSecret: string,
  timing: Timing
): Promise<void> {
  const deadline = Date.now() + timing.verifyTimeoutMs;
  let delay = timing.retryBaseMs;
  let last: string;
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(url, {
        headers: { 'CF-Access-Client-Id': clientId, 'CF-Access-Client-Secret': clientSecret },
        redirect: 'manual',
        signal: AbortSignal.timeout(Math.max(1000, Math.min(10_000, timing.verifyTimeoutMs)))
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) {
        core.info(`verify-url answered ${response.status} on attempt ${attempt}.`);
        return;
      }
      const location = response.headers.get('location');
      // Only where it leads, never its query: a login page URL can carry tokens.
      const target = location ? new URL(location, url) : undefined;
      last = `${response.status}${target ? ` redirect to ${target.origin}${target.pathname}` : ''}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() + delay > deadline) break;
    core.info(`verify-url answered ${last}; trying again in ${delay} ms.`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 10_000);
  }
  throw new VerificationError(
    `verify-url ${url.origin}${url.pathname} did not accept the new credential (last answer: ${last}).`,
    'Check that an Access policy of that application includes this service token (Service Auth), and that the URL is behind Access.'
  );
}
