import { ArchivedTargetError, PermissionError } from '../../errors.js';
import type { RunRecord } from '../../run/record.js';
import { targetLabel, type Target } from '../../settings/targets.js';
import type { PlannedTargetWrite } from '../../targets/distribute.js';
import type { FanOut } from '../../targets/fan-out.js';
import { preflight } from '../../targets/preflight.js';
import { isFailed, type Slot } from '../../targets/slots.js';
import {
  probeHint,
  throwawaySecretProbe,
  unchangedSlotProbe,
  type WriteProbe
} from '../../targets/write-probe.js';
import type { TokenState } from './model.js';
import type { Plan } from './plan.js';
import { nextZoneVersion } from './stage.js';
import type { ServiceTokenPorts } from './ports.js';

/**
 * Before a rotation, github-token proves it may write by rewriting the client id (which a rotation does not
 * change, so the write is harmless) in the first target of each owner and kind. Where the client id is a
 * variable, that proves variables only: a throw-away secret proves secrets too.
 */
function clientIdProbe(
  clientId: Slot,
  token: TokenState,
  ports: ServiceTokenPorts,
  planned: ReadonlySet<Target>
): WriteProbe {
  const texts: Pick<WriteProbe, 'refusal' | 'proof'> = {
    refusal: (work, reason, status) =>
      new PermissionError(
        `github-token could not write ${clientId.name} to ${work.label} (${reason}), so the token was not rotated.`,
        probeHint(work, status)
      ),
    proof: (count) =>
      `github-token can write: the unchanged client id was rewritten in ${count} target(s), one per owner and kind of target, before rotating.`
  };
  const rewrite = unchangedSlotProbe(clientId, token.clientId, ports, texts, (work) =>
    planned.has(work.target)
  );
  const secret = throwawaySecretProbe(ports, texts);
  return {
    ...texts,
    write: async (work) => {
      const status = await rewrite.write(work);
      return isFailed(status) || !work.usesVariable(clientId) ? status : secret.write(work);
    }
  };
}

/**
 * The preflight of the planned writes (archived repositories, organization access, public keys and, before
 * a rotation, write permission); returns the writes that remain, in the plan's order.
 */
export async function preflightWrites(
  plan: Plan,
  token: TokenState | undefined,
  fanOut: FanOut,
  ports: ServiceTokenPorts,
  record: RunRecord,
  options: { readonly probe: boolean } = { probe: true }
): Promise<PlannedTargetWrite[]> {
  // A zone-scoped rotation this API cannot do safely stops here, before the write probe.
  if (plan.action === 'rotate' && token && ports.tokens.scopeKind === 'zone') nextZoneVersion(token);
  const planned = new Set(plan.writes.map((write) => write.target));
  const clientIdWrites = new Set(plan.writes.filter((write) => write.clientId).map((write) => write.target));
  const open = await preflight(
    fanOut,
    {
      wanted: fanOut.works.map((work) => work.target).filter((target) => planned.has(target)),
      rotationOnlyFor: plan.rotationOnlyFor,
      uselessChange: () =>
        new ArchivedTargetError(
          `Not rotated: the only targets without the current secret are in archived (read-only) repositories: ${plan.rotationOnlyFor.map(targetLabel).join(', ')}.`,
          'Remove them from targets, or unarchive the repositories.'
        ),
      probe:
        options.probe && plan.action === 'rotate' && token
          ? clientIdProbe(fanOut.slot('clientId'), token, ports, clientIdWrites)
          : undefined
    },
    ports,
    record
  );
  const writable = new Set(open.map((work) => work.target));
  return plan.writes
    .filter((write) => writable.has(write.target))
    .map((write) => ({
      target: write.target,
      slots: [...(write.clientSecret ? ['clientSecret'] : []), ...(write.clientId ? ['clientId'] : [])]
    }));
}
