import { ConcurrentRotationError, VerificationError, errorMessage } from '../../errors.js';
import { logStep } from '../../run/record.js';
import { retryUntilDeadline } from '../../run/retry.js';
import type { ApiTokenSpec, ApiTokenState, IssuedApiToken } from './model.js';
import type { ApiTokenPlan } from './plan.js';
import type { ApiTokenPorts } from './ports.js';
import type { ApiTokenRecord } from './record.js';
import type { ApiTokenRunSettings } from './settings.js';
import { expiryFrom } from './spec.js';

/**
 * Re-reads the tokens with the name just before creating one: another run that created or deleted one
 * since this run looked would make the two runs undo each other. The ids read here are the ones a lost
 * create is told apart from.
 */
async function assertFamilyUnchanged(
  name: string,
  observed: readonly ApiTokenState[],
  ports: ApiTokenPorts
): Promise<Set<string>> {
  const now = await ports.apiTokens.findByName(name);
  const before = new Set(observed.map((token) => token.id));
  const ids = new Set(now.map((token) => token.id));
  if (ids.size !== before.size || [...ids].some((id) => !before.has(id))) {
    throw new ConcurrentRotationError(
      `The API tokens named '${name}' changed while this run was reading its targets (${before.size} → ${ids.size} token(s)): another run is probably rotating it. Nothing was changed.`,
      "Run rotations of one token one at a time with a workflow 'concurrency' group (concurrency: { group: rotate-<token-name>, cancel-in-progress: false }), then re-run."
    );
  }
  return ids;
}

/**
 * Asks Cloudflare whether the new value works from this runner before it is written anywhere: a secret
 * cannot be read back, so a value found broken after distribution could not be taken back. A new token
 * may take a moment to be known everywhere, so failures are retried for a while.
 */
async function verifyValue(
  issued: IssuedApiToken,
  settings: ApiTokenRunSettings,
  ports: ApiTokenPorts
): Promise<string | undefined> {
  const outcome = await retryUntilDeadline(
    ports,
    { timeoutMs: settings.timing.verifyTimeoutMs, baseMs: settings.timing.retryBaseMs, maxWaitMs: 10_000 },
    async () => {
      try {
        const answer = await ports.apiTokens.verifyValue(issued.value);
        if (answer.id === issued.token.id && answer.status === 'active')
          return { done: true, value: undefined };
        return { done: false, problem: `Cloudflare reports it as token ${answer.id}, ${answer.status}` };
      } catch (error) {
        return { done: false, problem: errorMessage(error) };
      }
    }
  );
  return outcome.ok ? undefined : outcome.problem;
}

/** A new token that failed verification goes again: nothing was written, the old token is unchanged. */
async function discard(
  issued: IssuedApiToken,
  problem: string,
  ports: ApiTokenPorts,
  record: ApiTokenRecord
) {
  let cleanup = `It was deleted again; nothing was written, and the token in use is unchanged.`;
  try {
    await ports.apiTokens.delete(issued.token);
  } catch (error) {
    cleanup = `Deleting it failed too (${errorMessage(error)}); nothing was written, and the next run deletes it.`;
  }
  logStep(record, `The new API token ${issued.token.id} did not verify: ${problem}. ${cleanup}`);
  return new VerificationError(
    `The new API token '${issued.token.name}' (${issued.token.id}) does not work from this runner (${problem}). ${cleanup}`,
    "Check the token's condition.request_ip (it must allow the runner's address), not_before and expires_on, and that cloudflare-api-token may create tokens with these permissions."
  );
}

export interface Staged {
  readonly issued: IssuedApiToken;
  /** Roll only: the value failed verification after it was written (the old one is dead anyway). */
  readonly verification: Error | undefined;
}

/** Creates a token (first run, or a replacement) and verifies its value; a failure leaves nothing behind. */
export async function createToken(
  spec: ApiTokenSpec,
  observed: readonly ApiTokenState[],
  settings: ApiTokenRunSettings,
  ports: ApiTokenPorts,
  record: ApiTokenRecord
): Promise<Staged> {
  const known = await assertFamilyUnchanged(spec.name, observed, ports);
  const issued = await ports.apiTokens.create(spec, known);
  logStep(
    record,
    `Created API token '${issued.token.name}' (${issued.token.id})${spec.expiresOn ? `, valid until ${spec.expiresOn.toISOString()}` : ''}.`
  );
  const problem = await verifyValue(issued, settings, ports);
  if (problem !== undefined) throw await discard(issued, problem, ports, record);
  logStep(record, 'Cloudflare accepts the new value (token verify), so it can be written.');
  return { issued, verification: undefined };
}

/**
 * Rolls the token's value (the old one stops working at once). The expiry is extended first when due.
 * When the action runs with this very token, the rest of the run uses the new value.
 */
export async function rollToken(
  plan: ApiTokenPlan,
  runningId: string,
  settings: ApiTokenRunSettings,
  ports: ApiTokenPorts,
  record: ApiTokenRecord
): Promise<Staged> {
  let token = plan.current;
  if (!token) throw new Error('A roll needs the token in use.');
  if (plan.renew) {
    token = await ports.apiTokens.renew(token, expiryFrom(settings.duration, ports.now()));
    record.apiToken = token;
    logStep(record, `Renewed '${token.name}' for ${settings.duration.text}.`);
  }
  const { value } = await ports.apiTokens.roll(token, token.id === runningId);
  record.staged = true;
  logStep(record, `Rolled the value of '${token.name}' (${token.id}); the old value no longer works.`);
  if (token.id === runningId) {
    logStep(record, 'cloudflare-api-token was the rolled token: the rest of the run uses the new value.');
  }
  // Written before anything else: every consumer is without a working value until its secret is.
  return { issued: { token, value }, verification: undefined };
}

/**
 * After the writes of a rolled value: read the token again (its new modified_on, for the report) and ask
 * Cloudflare whether the value works from here. Neither could change what was written; both wait until
 * the consumers have the value, so the gap is as short as it can be.
 */
export async function checkRolledValue(
  staged: Staged,
  settings: ApiTokenRunSettings,
  ports: ApiTokenPorts,
  record: ApiTokenRecord
): Promise<Staged> {
  const { token, value } = staged.issued;
  const reread = async () => ports.apiTokens.get(token.id);
  const issued = { token: await reread().catch(() => token), value };
  record.apiToken = issued.token;
  const problem = await verifyValue(issued, settings, ports);
  if (problem === undefined) {
    logStep(record, 'Cloudflare accepts the rolled value (token verify).');
    return { issued, verification: undefined };
  }
  logStep(record, `The rolled value did not verify (${problem}).`);
  return {
    issued,
    verification: new VerificationError(
      `The rolled value of API token '${token.name}' (${token.id}) does not work from this runner (${problem}).`,
      "Check the token's condition.request_ip and expiry; the targets hold the new value."
    )
  };
}
