import { step } from '../../run/step.js';
import { logStep } from '../../run/record.js';
import type { FanOut } from '../../targets/fan-out.js';
import { concludeDryRunPreflight } from '../../targets/dry-run-verdict.js';
import { isFailed } from '../../targets/slots.js';
import type { TokenState } from './model.js';
import type { Plan } from './plan.js';
import type { ServiceTokenPorts } from './ports.js';
import { preflightWrites } from './preflight.js';
import type { ServiceTokenRecord } from './record.js';

/** The checks a real run makes that need a write, so a dry run names them instead of making them. */
function checksNeedingAWrite(plan: Plan, accessPolicies: number): string[] {
  if (plan.action === 'none' && !plan.writes.length) return [];
  const checks: string[] = [];
  if (accessPolicies && plan.action !== 'none')
    checks.push(
      `cloudflare-api-token's permission to edit the ${accessPolicies} Access polic${accessPolicies === 1 ? 'y' : 'ies'} (the real run rewrites each, unchanged, before changing the token)`
    );
  if (plan.writes.length)
    checks.push(
      plan.action === 'rotate'
        ? "github-token's write permission (the real run rewrites the unchanged client id before rotating)"
        : "github-token's write permission (the real run finds out with its first write)"
    );
  if (plan.action !== 'none')
    checks.push(
      `cloudflare-api-token's permission to ${plan.action} the service token (shown only by the change itself)`,
      "github-token's permission to write the rotation record (an Actions variable)"
    );
  return checks;
}

/**
 * A dry run makes every read-only check the real run makes after the plan (archived repositories,
 * organization access, public keys, a zone rotation's version) and fails where the real run would; the
 * token look-up, cloudflare-api-token's status, the targets' secrets and environments came with observe.
 * It marks what it would write and says plainly which checks need a write and were not made.
 */
export async function dryRun(
  plan: Plan,
  token: TokenState | undefined,
  fanOut: FanOut,
  ports: ServiceTokenPorts,
  record: ServiceTokenRecord,
  accessPolicies = 0
): Promise<void> {
  record.dryRun = true;
  if (plan.writes.length) {
    await step('Preflight (dry run): repositories, access and public keys', () =>
      preflightWrites(plan, token, fanOut, ports, record, { probe: false })
    );
  }
  for (const write of plan.writes) {
    const work = fanOut.get(write.target);
    if (write.clientSecret && !isFailed(work.status('clientSecret')))
      work.setStatus('clientSecret', 'planned');
    if (write.clientId && !isFailed(work.status('clientId'))) work.setStatus('clientId', 'planned');
  }
  concludeDryRunPreflight(record);
  const notMade = checksNeedingAWrite(plan, accessPolicies);
  if (notMade.length) logStep(record, `Dry run: not checked, as they need a write: ${notMade.join('; ')}.`);
}
