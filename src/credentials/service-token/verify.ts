import * as core from '@actions/core';
import { VerificationError, errorMessage } from '../../errors.js';
import { retryUntilDeadline } from '../../run/retry.js';
import type { Timing } from '../../settings/settings.js';
import type { ServiceTokenPorts } from './ports.js';

/** The longest wait between two attempts. */
const MAX_WAIT_MS = 10_000;

/**
 * Requests verify-url with the new credential until it answers 2xx or the time is up: Access may take a few
 * seconds to accept a new secret. A redirect (Access sends a request it does not accept to its login page)
 * counts as a refusal.
 */
export async function verifyCredential(
  url: URL,
  credential: { clientId: string; clientSecret: string },
  timing: Timing,
  ports: Pick<ServiceTokenPorts, 'requestVerifyUrl' | 'now' | 'sleep'>
): Promise<void> {
  const outcome = await retryUntilDeadline(
    ports,
    { timeoutMs: timing.verifyTimeoutMs, baseMs: timing.retryBaseMs, maxWaitMs: MAX_WAIT_MS },
    async (attempt) => {
      try {
        const answer = await ports.requestVerifyUrl(url, credential.clientId, credential.clientSecret);
        if (answer.status >= 200 && answer.status < 300) {
          core.info(`verify-url answered ${answer.status} on attempt ${attempt}.`);
          return { done: true, value: undefined };
        }
        return {
          done: false,
          problem: `${answer.status}${answer.redirect ? ` redirect to ${answer.redirect}` : ''}`
        };
      } catch (error) {
        return { done: false, problem: errorMessage(error) };
      }
    },
    (problem, wait) => core.info(`verify-url answered ${problem}; trying again in ${wait} ms.`)
  );
  if (outcome.ok) return;
  throw new VerificationError(
    `verify-url ${url.origin}${url.pathname} did not accept the new credential (last answer: ${outcome.problem}).`,
    'Check that an Access policy of that application includes this service token (Service Auth), and that the URL is behind Access.'
  );
}
