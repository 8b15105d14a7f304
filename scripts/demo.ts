// `npm start`: a full rotation without any account. Starts the local emulator of Cloudflare and GitHub with
// the demo fixture, runs the built action (dist/index.js) against it the way the runner does, prints the job
// summary, and shows that every target now holds a secret that the emulated Access application accepts: the
// application admits a service token only through its reusable Service Auth policy, which the action adds the
// new token to (access-policy-id), so no dashboard step is needed.
// Then the same for a Cloudflare API token: created from a policy, then replaced without a gap.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type Emulator } from '../emulator/server.ts';
import { DIST_ENTRY, runDist, visibleLog, type DistRun } from './run-dist.ts';
import { summaryAsText } from './summary-text.ts';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'emulator', 'fixtures', 'demo.json');
const ACCOUNT = '0123456789abcdef0123456789abcdef';
/** The reusable Service Auth policy of the fixture's Access application ('Demo service auth'). */
const ACCESS_POLICY = '4f2a6c1e-9b3d-4e8a-a1c7-2d5e8f0b3a91';
const TARGETS = [
  { line: 'octo-org/web', ref: { kind: 'repo', owner: 'octo-org', repo: 'web' } },
  {
    line: 'octo-org/web@production',
    ref: { kind: 'environment', owner: 'octo-org', repo: 'web', environment: 'production' }
  },
  { line: 'octo-org/api', ref: { kind: 'repo', owner: 'octo-org', repo: 'api' } }
] as const;

function inputs(emulator: Emulator, mode: string): Record<string, string> {
  return {
    'cloudflare-api-token': 'cf-demo-token',
    'github-token': 'gh-demo-token',
    'account-id': ACCOUNT,
    'token-name': 'demo-service',
    'access-policy-id': ACCESS_POLICY,
    mode,
    targets: TARGETS.map((target) => target.line).join('\n'),
    'cloudflare-api-url': emulator.cloudflareApiUrl,
    'github-api-url': emulator.githubApiUrl
  };
}

const ZONE = 'fedcba9876543210fedcba9876543210';
const API_TOKEN_POLICY = `policies:
  - effect: allow
    permission_groups: [DNS Write, Zone Read]
    resources:
      com.cloudflare.api.account.zone.${ZONE}: '*'
condition:
  request_ip:
    in: [127.0.0.1/32, 192.0.2.0/24]
`;

function apiTokenInputs(emulator: Emulator, mode: string): Record<string, string> {
  return {
    ...inputs(emulator, mode),
    credential: 'api-token',
    'api-token-secret-name': 'CLOUDFLARE_API_TOKEN',
    'cloudflare-api-token': 'cf-demo-admin-token',
    'account-id': '',
    'token-name': 'demo-deploy',
    'access-policy-id': '',
    'api-token-policy': API_TOKEN_POLICY
  };
}

/** Asks the emulated Cloudflare API whether each target's CLOUDFLARE_API_TOKEN is the token in use. */
function checkApiTokenTargets(emulator: Emulator, tokenId: string): boolean {
  let allWork = true;
  for (const target of TARGETS) {
    const value = emulator.github.secretPlaintext({ ...target.ref, name: 'CLOUDFLARE_API_TOKEN' });
    const token = emulator.cloudflare.apiTokens().find((candidate) => candidate.value === value);
    const works = !!value && emulator.cloudflare.apiTokenAuthenticates(value) && token?.id === tokenId;
    allWork &&= works;
    console.log(
      `  ${works ? '✔' : '✘'} ${target.line.padEnd(26)} ${works ? `holds token ${tokenId}, which Cloudflare accepts` : 'does not hold the token in use'}`
    );
  }
  return allWork;
}

/** The API token part: create from a policy, then replace (new token verified, written, old one deleted). */
async function apiTokenDemo(emulator: Emulator, env: Record<string, string>): Promise<boolean> {
  const created = await runDist({ inputs: apiTokenInputs(emulator, 'auto'), env });
  show('API token, first run (credential api-token): created from api-token-policy', created);
  const createdOk =
    created.exitCode === 0 && checkApiTokenTargets(emulator, created.outputs['token-id'] ?? '');
  const oldValue = emulator.github.secretPlaintext({ ...TARGETS[0].ref, name: 'CLOUDFLARE_API_TOKEN' }) ?? '';
  const replaced = await runDist({ inputs: apiTokenInputs(emulator, 'rotate'), env });
  show(
    'API token, second run (mode rotate): a new token, verified, written everywhere, the old one deleted',
    replaced
  );
  const replacedOk =
    replaced.exitCode === 0 && checkApiTokenTargets(emulator, replaced.outputs['token-id'] ?? '');
  const oldWorks = emulator.cloudflare.apiTokenAuthenticates(oldValue);
  const left = emulator.cloudflare.apiTokens().filter((token) => token.name === 'demo-deploy').length;
  console.log(
    `  The old token was deleted once every target held the new one: old value accepted: ${oldWorks}; tokens named demo-deploy: ${left}.`
  );
  return createdOk && replacedOk && !oldWorks && left === 1;
}

/** Asks the emulated Access application, over HTTP, whether a credential gets in. */
async function accessAnswers(emulator: Emulator, clientId: string, clientSecret: string): Promise<number> {
  const response = await fetch(emulator.accessAppUrl, {
    headers: { 'CF-Access-Client-Id': clientId, 'CF-Access-Client-Secret': clientSecret },
    redirect: 'manual'
  });
  await response.body?.cancel();
  return response.status;
}

function show(title: string, run: DistRun): void {
  console.log(
    `\n=== ${title}: exit code ${run.exitCode}, result '${run.outputs.result ?? '-'}', ${Math.round(run.durationMs)} ms`
  );
  if (run.exitCode !== 0) console.log(visibleLog(run.stdout));
  console.log(summaryAsText(run.summary));
}

async function checkTargets(emulator: Emulator, clientId: string): Promise<boolean> {
  let allAccepted = true;
  for (const target of TARGETS) {
    const secret = emulator.github.secretPlaintext({ ...target.ref, name: 'CF_ACCESS_CLIENT_SECRET' });
    const id = emulator.github.secretPlaintext({ ...target.ref, name: 'CF_ACCESS_CLIENT_ID' });
    const status = secret && id ? await accessAnswers(emulator, id, secret) : 0;
    const accepted = status === 200 && id === clientId;
    allAccepted &&= accepted;
    console.log(
      `  ${accepted ? '✔' : '✘'} ${target.line.padEnd(26)} Access answers ${status || 'nothing (no secret)'}`
    );
  }
  return allAccepted;
}

/** Whether the Service Auth policy names the token, as the emulated Cloudflare holds it now. */
function checkPolicy(emulator: Emulator, tokenId: string): boolean {
  const policy = emulator.cloudflare.access.policy(ACCESS_POLICY);
  const include = (policy?.fields['include'] ?? []) as Array<{ service_token?: { token_id?: string } }>;
  const member = include.some((rule) => rule.service_token?.token_id === tokenId);
  console.log(
    `  ${member ? '✔' : '✘'} Access policy '${String(policy?.fields['name'])}' includes service token ${tokenId} (${include.length} rule(s), the earlier one kept): no dashboard step.`
  );
  return member && include.length === 2;
}

async function main(): Promise<number> {
  if (!existsSync(DIST_ENTRY)) {
    console.error('dist/index.js is missing: run `npm run build` first.');
    return 1;
  }
  const emulator = await startEmulator({ fixture: FIXTURE, contractCheck: true });
  try {
    // The demo is paced like a real run but faster: the emulator has no rate limits to respect.
    const env = { GITHUB_REPOSITORY: 'octo-org/web', ROTATOR_WRITE_INTERVAL_MS: '100' };
    console.log(
      `Emulator of Cloudflare and GitHub on ${emulator.url} (contract checks: ${emulator.contractCheck}).`
    );

    const created = await runDist({ inputs: inputs(emulator, 'auto'), env });
    show('First run (mode auto): the token does not exist yet', created);
    console.log('The Access application admits service tokens only through its Service Auth policy:');
    const createdOk =
      created.exitCode === 0 &&
      checkPolicy(emulator, created.outputs['token-id'] ?? '') &&
      (await checkTargets(emulator, created.outputs['client-id'] ?? ''));

    const again = await runDist({ inputs: inputs(emulator, 'auto'), env });
    show('Second run (mode auto): nothing to do', again);

    const oldSecret =
      emulator.github.secretPlaintext({ ...TARGETS[0].ref, name: 'CF_ACCESS_CLIENT_SECRET' }) ?? '';
    const rotated = await runDist({ inputs: inputs(emulator, 'rotate'), env });
    show('Third run (mode rotate): a new secret, the old one keeps working for the grace period', rotated);
    console.log('Each target, asked at the emulated Access application:');
    const rotatedOk =
      rotated.exitCode === 0 && (await checkTargets(emulator, rotated.outputs['client-id'] ?? ''));
    const oldStatus = await accessAnswers(emulator, rotated.outputs['client-id'] ?? '', oldSecret);
    console.log(`  The previous secret still gets in during its grace period: Access answers ${oldStatus}.`);

    const apiTokenOk = await apiTokenDemo(emulator, env);

    const violations = emulator.contractViolations();
    if (violations.length) console.log(`\nContract violations: ${JSON.stringify(violations, null, 2)}`);
    const ok =
      createdOk &&
      again.outputs.result === 'unchanged' &&
      rotatedOk &&
      oldStatus === 200 &&
      apiTokenOk &&
      !violations.length;
    console.log(ok ? '\nDemo finished: every target holds a working secret.' : '\nDemo FAILED: see above.');
    return ok ? 0 : 1;
  } finally {
    await emulator.close();
  }
}

process.exitCode = await main();
