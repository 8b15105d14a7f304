// The api-token-policy the chaos suite and the benchmark create API tokens from: DNS Write on one zone.

/** api-token-policy YAML granting DNS Write on `zone`. */
export function dnsWritePolicy(zone: string): string {
  return [
    'policies:',
    '  - effect: allow',
    '    permission_groups: [DNS Write]',
    '    resources:',
    `      com.cloudflare.api.account.zone.${zone}: '*'`,
    ''
  ].join('\n');
}
