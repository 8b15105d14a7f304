import { ArchivedTargetError, PermissionError } from '../../errors.js';
import type { RunRecord } from '../../run/record.js';
import type { FanOut } from '../../targets/fan-out.js';
import { preflight } from '../../targets/preflight.js';
import type { TargetWork } from '../../targets/target-work.js';
import { probeHint, throwawaySecretProbe } from '../../targets/write-probe.js';
import type { ApiTokenPlan } from './plan.js';
import type { ApiTokenPorts } from './ports.js';

/**
 * A roll kills the old value at once, so a github-token that can read secrets but not write them would
 * leave every consumer with a dead value: before rolling, a throw-away secret is written and deleted again.
 */
function rollProbe(ports: ApiTokenPorts) {
  return throwawaySecretProbe(ports, {
    refusal: (work, reason, status) =>
      new PermissionError(
        `github-token could not write a secret to ${work.label} (${reason}), so the token was not rolled.`,
        probeHint(work, status)
      ),
    proof: (count) =>
      `github-token can write: a probe secret was written and deleted again in ${count} target(s), one per owner and kind of target, before rolling.`
  });
}

/**
 * Archived repositories are left out (reported as failed); a change wanted only for them is refused.
 * Before a roll, which cannot be undone, github-token must prove it can write. Returns the targets to write,
 * in the plan's order (targets without a working value first).
 */
export function preflightWrites(
  plan: ApiTokenPlan,
  fanOut: FanOut,
  ports: ApiTokenPorts,
  record: RunRecord,
  options: { readonly probe: boolean } = { probe: true }
): Promise<TargetWork[]> {
  return preflight(
    fanOut,
    {
      wanted: plan.writes,
      rotationOnlyFor: plan.rotationOnlyFor,
      uselessChange: () =>
        new ArchivedTargetError(
          `Not rotated: the only targets without the current API token are in archived (read-only) repositories: ${plan.staleTargets.join(', ')}.`,
          'Remove them from targets, or unarchive the repositories.'
        ),
      probe: options.probe && plan.action === 'roll' ? rollProbe(ports) : undefined
    },
    ports,
    record
  );
}
