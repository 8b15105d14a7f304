import type { AccessPolicyStore } from '../../cloudflare/access-policies.js';
import type { InactivityReading } from '../../cloudflare/access-organization.js';
import type { ServiceTokenStore } from '../../cloudflare/service-tokens.js';
import type { RunningTokenStatus } from '../../cloudflare/running-token.js';
import type { RecordVariable } from '../../github/record-variable.js';
import type { Clock } from '../../run/retry.js';
import type { TargetPorts } from '../../targets/ports.js';

/** One request to verify-url with a credential: its status, and where a redirect leads (origin and path). */
export interface VerifyAnswer {
  readonly status: number;
  readonly redirect: string | undefined;
}

/** Everything a service token run talks to. Production wires the real adapters; tests pass in-memory ones. */
export interface ServiceTokenPorts extends TargetPorts, Clock {
  /** Verifies cloudflare-api-token itself (active, and when it expires). */
  checkApiToken(): Promise<RunningTokenStatus>;
  readonly tokens: ServiceTokenStore;
  /** The variable that holds the action's rotation record for these targets. */
  readonly rotationRecord: RecordVariable;
  /** Requests the protected URL once with the credential (no redirect followed); throws when no answer came. */
  requestVerifyUrl(url: URL, clientId: string, clientSecret: string): Promise<VerifyAnswer>;
  /** The Access policies of access-policy-id; needed only when that input is set. */
  readonly accessPolicies?: AccessPolicyStore;
  /** The account's service_token_inactivity; without it, the check is skipped. */
  readInactivity?(): Promise<InactivityReading>;
}
