// Outcomes of API token scenarios that the protocol cannot avoid: counted and explained in the report, not
// flagged as violations (scripts/chaos/INVARIANTS.md says why).

export const API_TOKEN_LIMITS = {
  'self-roll-lost':
    "strategy roll with cloudflare-api-token = the rolled token: the run rolled the value and then died or failed before writing the workflow's own secret (or the roll's answer was lost), so the value the workflow runs with is dead; no run can heal that, a person must put a new token in place (the action says so)",
  'expired-left':
    'an expired token named alike stays after the healthy re-run: Cloudflare lists expired tokens only with include_expired, so the action never sees it; it authenticates nothing'
} as const;
export type ApiTokenLimit = keyof typeof API_TOKEN_LIMITS;
