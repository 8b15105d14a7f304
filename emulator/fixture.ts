// The seed state of an emulator run (see emulator/README.md). Validated on load so a typo in a fixture fails
// with a message instead of as a puzzling 404 halfway through a test.

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { CloudflareFixture } from './cloudflare/api.ts';
import { PERMISSIONS } from './cloudflare/permission-groups.ts';
import type { GitHubFixture } from './github/api.ts';

export interface Fixture {
  /** Where the emulator clock starts (RFC 3339); default: real now. */
  startAt?: string;
  /** Keep the clock still until advanced or set; default: it runs at real speed. */
  frozenClock?: boolean;
  cloudflare?: CloudflareFixture;
  github?: GitHubFixture;
}

const string = { type: 'string' };
const strings = { type: 'array', items: string };
const time = { type: 'string', format: 'date-time' };
const visibility = { enum: ['all', 'private', 'selected'] };
const ids = { type: 'array', items: { type: 'integer' } };
const secretKinds = ['repo', 'environment', 'org', 'dependabot-repo', 'dependabot-org', 'codespaces-repo'];

const closed = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false
});

/** A seeded secret or variable: where it is (by kind), its name and value, and optional metadata. */
const seededValues = (kinds: string[]) => ({
  type: 'array',
  items: closed(
    {
      kind: { enum: kinds },
      owner: string,
      repo: string,
      environment: string,
      org: string,
      name: string,
      value: string,
      createdAt: time,
      updatedAt: time,
      visibility,
      selectedRepositoryIds: ids
    },
    ['kind', 'name', 'value']
  )
});

const rules = { type: 'array', items: { type: 'object' } };
const accessPolicy = (extra: Record<string, unknown> = {}, required: string[] = []) =>
  closed(
    {
      id: string,
      name: string,
      decision: { enum: ['allow', 'deny', 'non_identity', 'bypass'] },
      include: rules,
      exclude: rules,
      require: rules,
      fields: { type: 'object' },
      ...extra
    },
    ['name', ...required]
  );

const FIXTURE_SCHEMA = closed({
  $schema: string,
  $comment: string,
  startAt: time,
  frozenClock: { type: 'boolean' },
  cloudflare: closed({
    responseProfile: { enum: ['rich', 'minimal'] },
    accounts: strings,
    zones: strings,
    userId: string,
    apiTokens: {
      type: 'array',
      items: closed(
        {
          value: string,
          id: string,
          name: string,
          owner: { enum: ['user', 'account'] },
          account: string,
          permissions: { type: 'array', items: { enum: [...PERMISSIONS] } },
          resources: strings,
          policies: {
            type: 'array',
            items: closed(
              {
                id: string,
                effect: { enum: ['allow', 'deny'] },
                permission_groups: {
                  type: 'array',
                  items: closed({ id: string, name: string }),
                  minItems: 1
                },
                resources: { type: 'object' }
              },
              ['effect', 'permission_groups', 'resources']
            )
          },
          condition: { type: 'object' },
          status: { enum: ['active', 'disabled', 'expired'] },
          expiresOn: time,
          notBefore: time,
          issuedOn: time
        },
        ['value']
      )
    },
    accessPolicies: { type: 'array', items: accessPolicy({ account: string }, ['account']) },
    accessApps: {
      type: 'array',
      items: closed({
        id: string,
        name: string,
        account: string,
        zone: string,
        policies: strings,
        appPolicies: { type: 'array', items: accessPolicy() }
      })
    },
    organizations: {
      type: 'array',
      items: closed({
        account: string,
        zone: string,
        name: string,
        serviceTokenInactivity: closed(
          {
            enabled: { type: 'boolean' },
            action: { enum: ['disable', 'delete'] },
            inactivity_threshold_days: { type: 'integer', minimum: 1 }
          },
          ['enabled', 'action', 'inactivity_threshold_days']
        )
      })
    },
    serviceTokens: {
      type: 'array',
      items: closed(
        {
          account: string,
          zone: string,
          name: string,
          id: string,
          clientId: string,
          clientSecret: string,
          clientSecretVersion: { type: 'integer', minimum: 1 },
          previousClientSecret: string,
          previousClientSecretExpiresAt: time,
          duration: string,
          createdAt: time,
          updatedAt: time,
          expiresAt: { anyOf: [time, { type: 'null' }] },
          lastSeenAt: time,
          inUse: { type: 'boolean' },
          enabled: { type: 'boolean' }
        },
        ['name']
      )
    }
  }),
  github: closed({
    orgs: strings,
    repositories: {
      type: 'array',
      items: closed(
        {
          owner: string,
          name: string,
          id: { type: 'integer' },
          visibility: { enum: ['public', 'private', 'internal'] },
          archived: { type: 'boolean' },
          environments: strings,
          createdAt: time
        },
        ['owner', 'name']
      )
    },
    tokens: {
      type: 'array',
      items: closed(
        {
          value: string,
          canWriteSecrets: { type: 'boolean' },
          canWriteVariables: { type: 'boolean' },
          repositories: strings
        },
        ['value']
      )
    },
    secrets: seededValues(secretKinds),
    variables: seededValues(['repo', 'environment', 'org']),
    rateLimit: closed({
      limit: { type: 'integer', minimum: 1 },
      remaining: { type: 'integer', minimum: 0 },
      exhaustedStatus: { enum: [403, 429] },
      windowSeconds: { type: 'integer', minimum: 1 }
    }),
    secondaryRateLimit: closed({
      minIntervalMs: { type: 'integer', minimum: 0 },
      retryAfterSeconds: { type: 'integer', minimum: 0 }
    })
  })
});

let validateFixture: ReturnType<Ajv['compile']> | undefined;

/** A fixture object as is, or read from a JSON file; throws with every problem listed when it is not valid. */
export function loadFixture(source: Fixture | string | undefined): Fixture {
  if (source === undefined) return {};
  const fixture: unknown = typeof source === 'string' ? JSON.parse(readFileSync(source, 'utf8')) : source;
  validateFixture ??= createValidator();
  if (!validateFixture(fixture)) {
    const problems = (validateFixture.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
    const where = typeof source === 'string' ? ` ${source}` : '';
    throw new Error(`invalid emulator fixture${where}:\n  ${problems.join('\n  ')}`);
  }
  return fixture as Fixture;
}

function createValidator() {
  const ajv = new Ajv({ allErrors: true });
  // RFC 3339 timestamps only; kept local so the fixture check does not depend on ajv-formats.
  ajv.addFormat(
    'date-time',
    (value: string) => !Number.isNaN(Date.parse(value)) && /T.*(Z|[+-]\d\d:\d\d)$/i.test(value)
  );
  return ajv.compile(FIXTURE_SCHEMA);
}
