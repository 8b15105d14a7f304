import { describe, expect, it } from '@jest/globals';
import { InputError } from '../../src/errors.js';
import { parseApiTokenPolicy, type ApiTokenPolicy } from '../../src/credentials/api-token/policy.js';

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const ZONE = 'fedcba9876543210fedcba9876543210';
const OTHER_ZONE = 'aaaabbbbccccddddeeeeffff00001111';
const GROUP_ID = '4755a26eedb94da69e1066d98aa820be';
const NOW = new Date('2026-06-01T12:00:00Z');

const parse = (text: string): ApiTokenPolicy => parseApiTokenPolicy(text, NOW);

/** A valid one-rule document as an object; JSON is YAML, so tests can change it and pass it as text. */
function validDoc(): Record<string, unknown> {
  return {
    policies: [
      {
        effect: 'allow',
        permission_groups: ['DNS Write'],
        resources: { [`com.cloudflare.api.account.zone.${ZONE}`]: '*' }
      }
    ]
  };
}

function withRule(changes: Record<string, unknown>): string {
  const doc = validDoc();
  doc.policies = [{ ...(doc.policies as Record<string, unknown>[])[0], ...changes }];
  return JSON.stringify(doc);
}

const withTop = (changes: Record<string, unknown>): string => JSON.stringify({ ...validDoc(), ...changes });
const withResources = (resources: unknown): string => withRule({ resources });
const withRequestIp = (requestIp: unknown): string => withTop({ condition: { request_ip: requestIp } });

describe('parseApiTokenPolicy: the examples from the issue', () => {
  it('(1) DNS Write on one zone', () => {
    const policy = parse(`
policies:
  - effect: allow
    permission_groups:
      - DNS Write
    resources:
      com.cloudflare.api.account.zone.${ZONE}: '*'
`);
    expect(policy).toEqual({
      policies: [
        {
          effect: 'allow',
          permissionGroups: [{ name: 'DNS Write' }],
          resources: { [`com.cloudflare.api.account.zone.${ZONE}`]: '*' }
        }
      ],
      requestIp: undefined,
      notBefore: undefined,
      expiresOn: undefined
    });
  });

  it('(2) every zone of an account but one', () => {
    const policy = parse(`
policies:
  - effect: allow
    permission_groups: [DNS Write]
    resources:
      com.cloudflare.api.account.${ACCOUNT}:
        com.cloudflare.api.account.zone.*: '*'
  - effect: deny
    permission_groups: [{ name: DNS Write }]
    resources: { com.cloudflare.api.account.zone.${OTHER_ZONE}: '*' }
`);
    expect(policy.policies).toEqual([
      {
        effect: 'allow',
        permissionGroups: [{ name: 'DNS Write' }],
        resources: { [`com.cloudflare.api.account.${ACCOUNT}`]: { 'com.cloudflare.api.account.zone.*': '*' } }
      },
      {
        effect: 'deny',
        permissionGroups: [{ name: 'DNS Write' }],
        resources: { [`com.cloudflare.api.account.zone.${OTHER_ZONE}`]: '*' }
      }
    ]);
  });

  const auditYaml = `
policies:
  - effect: allow
    permission_groups:
      - Account Audit Logs Read   # a name, trimmed
      - id: ${GROUP_ID}
    resources:
      com.cloudflare.api.account.*: '*'
condition:
  request_ip:
    in: [192.0.2.0/24, 2001:db8::/32, 198.51.100.7]
    not_in: [192.0.2.7/32]
not_before: 2026-01-01T00:00:00Z
expires_on: 2027-01-01T00:00:00+01:00
`;
  const auditExpected: ApiTokenPolicy = {
    policies: [
      {
        effect: 'allow',
        permissionGroups: [{ name: 'Account Audit Logs Read' }, { id: GROUP_ID }],
        resources: { 'com.cloudflare.api.account.*': '*' }
      }
    ],
    requestIp: { in: ['192.0.2.0/24', '2001:db8::/32', '198.51.100.7'], notIn: ['192.0.2.7/32'] },
    notBefore: new Date('2026-01-01T00:00:00Z'),
    expiresOn: new Date('2026-12-31T23:00:00Z')
  };

  it('(3) audit logs on every account, from some addresses, for a window', () => {
    expect(parse(auditYaml)).toEqual(auditExpected);
  });

  it('reads the same policy written as JSON', () => {
    const json = JSON.stringify({
      policies: [
        {
          effect: 'allow',
          permission_groups: [' Account Audit Logs Read ', { id: GROUP_ID }],
          resources: { 'com.cloudflare.api.account.*': '*' }
        }
      ],
      condition: {
        'request.ip': { in: ['192.0.2.0/24', '2001:db8::/32', '198.51.100.7'], not_in: ['192.0.2.7/32'] }
      },
      not_before: '2026-01-01T00:00:00Z',
      expires_on: '2027-01-01T00:00:00+01:00'
    });
    expect(parse(json)).toEqual(parse(auditYaml));
    expect(parse(json)).toEqual(auditExpected);
  });
});

describe('parseApiTokenPolicy: accepted variations', () => {
  it('defaults the other address list to empty', () => {
    expect(parse(withRequestIp({ not_in: ['::1'] })).requestIp).toEqual({ in: [], notIn: ['::1'] });
    expect(parse(withRequestIp({ in: ['10.0.0.0/8'], not_in: [] })).requestIp).toEqual({
      in: ['10.0.0.0/8'],
      notIn: []
    });
  });

  it('takes user resources', () => {
    expect(
      parse(withResources({ [`com.cloudflare.api.user.${ACCOUNT}`]: '*' })).policies[0]?.resources
    ).toEqual({
      [`com.cloudflare.api.user.${ACCOUNT}`]: '*'
    });
  });

  it.each([
    ['2026-01-01', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T10:20Z', '2026-01-01T10:20:00.000Z'],
    ['2026-01-01 10:20:30.5+05:30', '2026-01-01T04:50:30.500Z'],
    ['2024-02-29t23:59:59z', '2024-02-29T23:59:59.000Z'],
    ['2026-06-01T12:00:00Z', '2026-06-01T12:00:00.000Z']
  ])('reads not_before %s as %s', (text, iso) => {
    expect(parse(withTop({ not_before: text })).notBefore?.toISOString()).toBe(iso);
    // Unquoted in YAML too: the core schema keeps timestamps as strings.
    const yaml = `policies: [{effect: allow, permission_groups: [x], resources: {com.cloudflare.api.user.*: '*'}}]\nnot_before: ${text}`;
    expect(parse(yaml).notBefore?.toISOString()).toBe(iso);
  });
});

describe('parseApiTokenPolicy: errors name the place and the fix', () => {
  it('throws an InputError for the input with a hint', () => {
    let error: unknown;
    try {
      parse(withRule({ effect: 'permit' }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('api-token-policy');
    expect((error as InputError).message).toBe(
      "Input 'api-token-policy': policies[0].effect: expected allow or deny, found 'permit'. Use allow or deny."
    );
  });

  it.each([
    ['empty text', ' \n\t', /is empty, nothing to parse/],
    ['only comments', '# nothing here\n', /holds only comments, nothing to parse/],
    [
      'a syntax error',
      'policies:\n  - effect: allow\n\tresources: x\n',
      /YAML syntax error at line 3, column 1: Tabs/
    ],
    [
      'a duplicate key',
      `${'policies: []\n'}not_before: x\npolicies: []\n`,
      /YAML syntax error at line 3.*unique/
    ],
    [
      'a bare *',
      'policies:\n  - resources:\n      com.cloudflare.api.user.*: *\n',
      /line 3.*quoted string '\*'/s
    ],
    ['a top-level list', '[1, 2]', /top level: expected a map, found a list/],
    ['a top-level string', 'hello', /top level: expected a map, found 'hello'/]
  ])('rejects %s', (_name, text, message) => expect(() => parse(text)).toThrow(message));

  it.each([
    [
      'an unknown top-level key',
      withTop({ policy: [] }),
      /top level: unknown key 'policy'\. Allowed keys: policies, condition, not_before, expires_on\./
    ],
    ['missing policies', '{}', /policies: expected a list, found nothing/],
    ['no policies', withTop({ policies: [] }), /policies: is empty/],
    ['a policy that is not a map', withTop({ policies: ['x'] }), /policies\[0\]: expected a map, found 'x'/],
    [
      'a misspelt policy key',
      withRule({ permission_group: ['DNS Write'] }),
      /policies\[0\]: unknown key 'permission_group'\. Allowed keys: effect, permission_groups, resources\./
    ],
    [
      'a missing effect',
      withRule({ effect: undefined }),
      /policies\[0\]\.effect: expected allow or deny, found nothing/
    ],
    ['an effect in capitals', withRule({ effect: 'Allow' }), /policies\[0\]\.effect: .*found 'Allow'/]
  ])('rejects %s', (_name, text, message) => expect(() => parse(text)).toThrow(message));

  it.each([
    ['missing', undefined, /policies\[0\]\.permission_groups: expected a list, found nothing/],
    ['empty', [], /policies\[0\]\.permission_groups: is empty/],
    [
      'a blank name',
      ['DNS Write', '  '],
      /permission_groups\[1\]: expected a permission group name, found ' {2}'/
    ],
    ['a number', [42], /permission_groups\[0\]: expected a name or a map with name or id, found 42/],
    ['a blank {name}', [{ name: '' }], /permission_groups\[0\]\.name: expected a permission group name/],
    [
      'both name and id',
      [{ name: 'x', id: GROUP_ID }],
      /permission_groups\[0\]: give exactly one of name or id/
    ],
    ['neither name nor id', [{}], /permission_groups\[0\]: give exactly one of name or id/],
    [
      'an unknown key',
      [{ name: 'x', scope: 'y' }],
      /permission_groups\[0\]: unknown key 'scope'\. Allowed keys: name, id/
    ],
    [
      'a short id',
      [{ id: 'abc' }],
      /permission_groups\[0\]\.id: expected a 32-character lowercase hex id, found 'abc'/
    ],
    ['an upper-case id', [{ id: GROUP_ID.toUpperCase() }], /permission_groups\[0\]\.id: expected .*hex id/]
  ])('rejects permission_groups with %s', (_name, groups, message) =>
    expect(() => parse(withRule({ permission_groups: groups }))).toThrow(message)
  );

  it('refuses a YAML alias bomb as an InputError for api-token-policy', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [index, name] of ['b', 'c', 'd', 'e', 'f', 'g'].entries()) {
      const previous = String.fromCharCode('a'.charCodeAt(0) + index);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    let error: unknown;
    try {
      parse(`${levels.join('\n')}\npolicies: []\n`);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('api-token-policy');
    expect((error as InputError).message).toMatch(
      /^Input 'api-token-policy': its YAML aliases \(\*name\) expand too far, or name no anchor\. /
    );
  });

  it('tells to quote an all-digit id that YAML read as a number', () => {
    const yaml = `policies: [{effect: allow, permission_groups: [{id: ${'1'.repeat(32)}}], resources: {com.cloudflare.api.user.*: '*'}}]`;
    expect(() => parse(yaml)).toThrow(
      /permission_groups\[0\]\.id: .*found 1\.1+2e\+31.*quote an id that is all digits/
    );
  });

  it.each([
    ['missing', undefined, /policies\[0\]\.resources: expected a map, found nothing/],
    ['a list', ['x'], /policies\[0\]\.resources: expected a map, found a list/],
    ['empty', {}, /policies\[0\]\.resources: is empty/],
    [
      'a zone key without account',
      { [`com.cloudflare.api.zone.${ZONE}`]: '*' },
      /policies\[0\]\.resources: 'com\.cloudflare\.api\.zone\.fedc\w+' is not a resource key\. Map keys com\.cloudflare/
    ],
    [
      'an upper-case id',
      { [`com.cloudflare.api.account.${ACCOUNT.toUpperCase()}`]: '*' },
      /is not a resource key/
    ],
    [
      'a short id',
      { 'com.cloudflare.api.account.zone.abc': '*' },
      /'com\.cloudflare\.api\.account\.zone\.abc' is not/
    ],
    [
      'a value other than *',
      { 'com.cloudflare.api.account.*': 'read' },
      /policies\[0\]\.resources\['com\.cloudflare\.api\.account\.\*'\]: expected '\*', found 'read'/
    ],
    [
      'a nested map under a zone',
      { [`com.cloudflare.api.account.zone.${ZONE}`]: { 'com.cloudflare.api.account.zone.*': '*' } },
      /resources\['com\.cloudflare\.api\.account\.zone\.fedc\w+'\]: only an account key can hold a map of zones/
    ],
    [
      'an account inside an account',
      { [`com.cloudflare.api.account.${ACCOUNT}`]: { 'com.cloudflare.api.account.*': '*' } },
      /resources\['com\.cloudflare\.api\.account\.0123\w+'\]: 'com\.cloudflare\.api\.account\.\*' is not a zone resource key/
    ],
    [
      'an empty zone map',
      { [`com.cloudflare.api.account.${ACCOUNT}`]: {} },
      /resources\['com\.cloudflare\.api\.account\.0123\w+'\]: the zone map is empty/
    ],
    [
      'a nested value other than *',
      { [`com.cloudflare.api.account.${ACCOUNT}`]: { 'com.cloudflare.api.account.zone.*': true } },
      /resources\['com\.cloudflare\.api\.account\.0123\w+'\]\['com\.cloudflare\.api\.account\.zone\.\*'\]: expected '\*', found true/
    ]
  ])('rejects resources that are %s', (_name, resources, message) =>
    expect(() => parse(withResources(resources))).toThrow(message)
  );

  it.each([
    ['empty', null, /condition: expected a map, found nothing/],
    ['without request_ip', {}, /condition: give exactly one of request_ip or request\.ip/],
    [
      'with both spellings',
      { request_ip: { in: ['::1'] }, 'request.ip': { in: ['::1'] } },
      /condition: give exactly one of request_ip or request\.ip/
    ],
    [
      'with a misspelt key',
      { request_ips: { in: ['::1'] } },
      /condition: unknown key 'request_ips'\. Allowed keys: request_ip, request\.ip/
    ],
    [
      'with a misspelt list',
      { request_ip: { notin: ['::1'] } },
      /condition\.request_ip: unknown key 'notin'\. Allowed keys: in, not_in/
    ],
    ['listing no address', { request_ip: { in: [], not_in: [] } }, /condition\.request_ip: lists no address/],
    [
      'with a string for a list',
      { request_ip: { in: '10.0.0.0/8' } },
      /request_ip\.in: expected a list of CIDRs, found '10/
    ],
    [
      'with a number',
      { 'request.ip': { not_in: [10] } },
      /condition\['request\.ip'\]\.not_in\[0\]: 10 is not a CIDR/
    ]
  ])('rejects a condition %s', (_name, condition, message) =>
    expect(() => parse(withTop({ condition }))).toThrow(message)
  );

  it.each([
    '10.0.0.0/33',
    '10.0.0.0/8/1',
    '300.1.1.1',
    '10.0.0.0/',
    '10.0.0.0/08',
    '10.0.0/8',
    '2001:db8::/129',
    'fe80::1%eth0',
    'example.com',
    ' 10.0.0.1'
  ])('rejects the CIDR %p', (cidr) => {
    expect(() => parse(withRequestIp({ in: ['10.0.0.0/8', cidr] }))).toThrow(
      `condition.request_ip.in[1]: '${cidr}' is not a CIDR`
    );
    expect(() => parse(withRequestIp({ not_in: [cidr] }))).toThrow(
      `condition.request_ip.not_in[0]: '${cidr}' is not a CIDR`
    );
  });

  it.each([
    'tomorrow',
    '2027-01-01T00:00:00',
    '2027-02-30',
    '2027-01-01T24:00:00Z',
    '2027-01-01T00:00+24:00',
    '2027-1-1'
  ])('rejects the date %p', (date) => {
    expect(() => parse(withTop({ expires_on: date }))).toThrow(
      `expires_on: '${date}' is not a date and time with a timezone`
    );
  });

  it('rejects a date that is not text', () =>
    expect(() => parse(withTop({ not_before: 2026 }))).toThrow(/not_before: 2026 is not a date.*RFC 3339/));

  it('rejects an expiry that is not in the future', () => {
    expect(() => parse(withTop({ expires_on: '2026-01-01T00:00:00Z' }))).toThrow(
      /expires_on: 2026-01-01T00:00:00\.000Z is not in the future\. Pick a time after 2026-06-01T12:00:00\.000Z/
    );
    expect(() => parse(withTop({ expires_on: NOW.toISOString() }))).toThrow(
      /expires_on: .* is not in the future/
    );
  });

  it('rejects not_before at or after expires_on', () => {
    expect(() =>
      parse(withTop({ not_before: '2026-07-01T00:00:00Z', expires_on: '2026-07-01T02:00:00+02:00' }))
    ).toThrow(/not_before: 2026-07-01T00:00:00\.000Z is not before expires_on 2026-07-01T00:00:00\.000Z/);
    expect(() => parse(withTop({ not_before: '2026-08-01', expires_on: '2026-07-01' }))).toThrow(
      /not_before: .* is not before expires_on/
    );
  });

  it('rejects not_before in the future, since the new token could not be verified', () => {
    expect(() => parse(withTop({ not_before: '2026-06-01T12:00:01Z' }))).toThrow(
      /not_before: 2026-06-01T12:00:01\.000Z is in the future.*Remove not_before/
    );
  });
});
