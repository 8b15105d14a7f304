import { step } from '../../run/step.js';
import { logStep, type RunRecord } from '../../run/record.js';
import type { FanOut } from '../../targets/fan-out.js';
import { concludeDryRunPreflight } from '../../targets/dry-run-verdict.js';
import { isFailed } from '../../targets/slots.js';
import type { ApiTokenPlan } from './plan.js';
import type { ApiTokenPorts } from './ports.js';
import { preflightWrites } from './preflight.js';

/**
 * A dry run makes every read-only check the real run makes (the token look-up, cloudflare-api-token's
 * status and the policy's permission groups came before; here archived repositories, organization access
 * and public keys) and fails where the real run would; it names the checks that need a write.
 */
export async function dryRunApiToken(
  plan: ApiTokenPlan,
  fanOut: FanOut,
  ports: ApiTokenPorts,
  record: RunRecord
): Promise<void> {
  record.dryRun = true;
  if (plan.writes.length) {
    await step('Preflight (dry run): repositories, access and public keys', () =>
      preflightWrites(plan, fanOut, ports, record, { probe: false })
    );
  }
  for (const target of plan.writes) {
    const work = fanOut.get(target);
    if (!isFailed(work.status('apiToken'))) work.setStatus('apiToken', 'planned');
  }
  if (plan.obsolete.length) {
    record.steps.push(
      `Would delete API token(s) no target holds: ${plan.obsolete.map((token) => token.id).join(', ')}.`
    );
  }
  concludeDryRunPreflight(record);
  if (plan.writes.length || plan.action !== 'none') {
    logStep(
      record,
      `Dry run: not checked, as they need a write: github-token's write permission (the real run ${plan.action === 'roll' ? 'writes and deletes a probe secret before rolling' : 'finds out with its first write'}); cloudflare-api-token's permission to ${plan.action} API tokens (shown only by the change itself).`
    );
  }
}
