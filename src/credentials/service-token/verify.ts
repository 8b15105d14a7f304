import * as core from '@actions/core';
import { VerificationError, errorMessage } from '../../errors.js';
import { retryUntilDeadline } from '../../run/retry.js';
import type { Timing } from '../../settings/settings.js';
import type { ServiceTokenPorts } from './ports.js';
import { mayBePropagation, unreachable, wrongUrl } from './verify-answer.js';

/** The longest wait between two attempts. */
const MAX_WAIT_MS = 10_000;

/**
 * Requests verify-url with the new credential until it answers 2xx or the time is up: Access may take a few
 * seconds to accept a new secret. A redirect (Access sends a request it does not accept to its login page)
 * counts as a refusal. Only answers that propagation can explain are retried (401, 403, 3xx, 429, 5xx); a
 * refused connection, a failed DNS look-up or a 404 fail at once, naming the cause.
 */
export async function verifyCredential(
  url: URL,
  credential: { clientId: string; clientSecret: string },
  timing: Timing,
  ports: Pick<ServiceTokenPorts, 'requestVerifyUrl' | 'now' | 'sleep'>
): Promise<void> {
  const outcome = await retryUntilDeadline<VerificationError | undefined>(
    ports,
    { timeoutMs: timing.verifyTimeoutMs, baseMs: timing.retryBaseMs, maxWaitMs: MAX_WAIT_MS },
    async (attempt) => {
      try {
        const answer = await ports.requestVerifyUrl(url, credential.clientId, credential.clientSecret);
        if (answer.status >= 200 && answer.status < 300) {
          core.info(`verify-url answered ${answer.status} on attempt ${attempt}.`);
          return { done: true, value: undefined };
        }
        if (!mayBePropagation(answer.status)) return { done: true, value: wrongUrl(url, answer.status) };
        return {
          done: false,
          problem: `${answer.status}${answer.redirect ? ` redirect to ${answer.redirect}` : ''}`
        };
      } catch (error) {
        const fatal = unreachable(url, error);
        return fatal ? { done: true, value: fatal } : { done: false, problem: errorMessage(error) };
      }
    },
    (problem, wait) => core.info(`verify-url answered ${problem}; trying again in ${wait} ms.`)
  );
  if (outcome.ok) {
    if (outcome.value) throw outcome.value;
    return;
  }
  throw new VerificationError(
    `verify-url ${url.origin}${url.pathname} did not accept the new credential (last answer: ${outcome.problem}).`,
    'Check that an Access policy of that application includes this service token (Service Auth), and that the URL is behind Access.'
  );
}
