// Regenerates the Inputs and Outputs tables of README.md from action.yml, so the two never disagree.
//
//   npm run docs            rewrite README.md
//   npm run docs -- --check exit 1 (and change nothing) when README.md is out of date
//
// The tables live between marker comments (<!-- inputs:start --> ... <!-- inputs:end -->, and the same for
// outputs and config-keys, the keys of a `config` file). Everything else in README.md is left as it is. __tests__/readme.test.ts imports renderReadme().

import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CONFIG_KEY_ROLES, CONFIG_ROLE_TEXT } from '../src/config/keys.ts';

export interface ActionInput {
  name: string;
  description: string;
  required: boolean;
  /** Undefined when action.yml gives no default. */
  default: string | undefined;
}

export interface ActionOutput {
  name: string;
  description: string;
}

export interface ActionMetadata {
  inputs: ActionInput[];
  outputs: ActionOutput[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entries(doc: Record<string, unknown>, key: string): [string, Record<string, unknown>][] {
  const section = doc[key] ?? {};
  if (!isRecord(section)) throw new Error(`action.yml: \`${key}\` must be a mapping`);
  return Object.entries(section).map(([name, value]) => {
    if (!isRecord(value)) throw new Error(`action.yml: ${key}.${name} must be a mapping`);
    return [name, value];
  });
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`action.yml: ${where} must be a string`);
  return value;
}

function scalar(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new Error(`action.yml: ${where} must be a scalar`);
}

/** Reads the inputs and outputs of action.yml, in the order the file lists them. */
export function parseActionMetadata(actionYml: string): ActionMetadata {
  const doc: unknown = parse(actionYml);
  if (!isRecord(doc)) throw new Error('action.yml: the document must be a mapping');
  const inputs = entries(doc, 'inputs').map(([name, input]) => ({
    name,
    description: text(input.description, `inputs.${name}.description`),
    required: input.required === true,
    default: scalar(input.default, `inputs.${name}.default`)
  }));
  const outputs = entries(doc, 'outputs').map(([name, output]) => ({
    name,
    description: text(output.description, `outputs.${name}.description`)
  }));
  return { inputs, outputs };
}

/** One line of table text: whitespace folded, pipes escaped (also inside code spans, as GFM tables need). */
export function tableCell(value: string): string {
  return value.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
}

function code(value: string): string {
  const fence = value.includes('`') ? '``' : '`';
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${value}${pad}${fence}`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

// Prettier would pad every column of a table to its widest cell; the generated tables stay compact instead.
function ignoredByPrettier(block: string): string {
  return `<!-- prettier-ignore-start -->\n${block}\n<!-- prettier-ignore-end -->`;
}

export function inputsTable(inputs: readonly ActionInput[]): string {
  return ignoredByPrettier(
    table(
      ['Name', 'Required', 'Default', 'Description'],
      inputs.map((input) => [
        code(input.name),
        input.required ? 'yes' : 'no',
        input.default === undefined || input.default === '' ? '' : tableCell(code(input.default)),
        tableCell(input.description)
      ])
    )
  );
}

export function outputsTable(outputs: readonly ActionOutput[]): string {
  return ignoredByPrettier(
    table(
      ['Name', 'Description'],
      outputs.map((output) => [code(output.name), tableCell(output.description)])
    )
  );
}

/** The keys of a `config` file: every input of action.yml, where it may stand, what it does on the step. */
export function configKeysTable(inputs: readonly ActionInput[]): string {
  return ignoredByPrettier(
    table(
      ['Key', 'In the file', 'On the step beside `config`', 'Default'],
      inputs.map((input) => {
        const role = CONFIG_KEY_ROLES[input.name];
        if (!role) throw new Error(`src/config/keys.ts: no role for the input ${input.name}`);
        const text = CONFIG_ROLE_TEXT[role];
        return [
          code(input.name),
          text.file,
          text.step,
          input.default === undefined || input.default === '' ? '' : tableCell(code(input.default))
        ];
      })
    )
  );
}

/** Replaces what stands between `<!-- NAME:start -->` and `<!-- NAME:end -->` with `content`. */
export function replaceBetweenMarkers(document: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`README.md: the markers ${start} and ${end} are missing`);
  if (document.indexOf(start, from + 1) >= 0 || document.indexOf(end, to + 1) >= 0) {
    throw new Error(`README.md: the markers ${start} and ${end} must appear once each`);
  }
  if (to < from) throw new Error(`README.md: ${end} comes before ${start}`);
  return `${document.slice(0, from + start.length)}\n${content}\n${document.slice(to)}`;
}

/** README.md as it should be: its Inputs and Outputs tables regenerated from action.yml. Pure. */
export function renderReadme(readme: string, actionYml: string): string {
  const { inputs, outputs } = parseActionMetadata(actionYml);
  const withInputs = replaceBetweenMarkers(readme, 'inputs', inputsTable(inputs));
  const withKeys = replaceBetweenMarkers(withInputs, 'config-keys', configKeysTable(inputs));
  return replaceBetweenMarkers(withKeys, 'outputs', outputsTable(outputs));
}

if (import.meta.main) {
  const readmePath = new URL('../README.md', import.meta.url);
  const actionPath = new URL('../action.yml', import.meta.url);
  const readme = readFileSync(readmePath, 'utf8');
  const rendered = renderReadme(readme, readFileSync(actionPath, 'utf8'));
  if (rendered === readme) {
    console.log('README.md tables are up to date.');
  } else if (process.argv.includes('--check')) {
    console.error('README.md tables differ from action.yml: run `npm run docs`.');
    process.exitCode = 1;
  } else {
    writeFileSync(readmePath, rendered);
    console.log('README.md tables regenerated from action.yml.');
  }
}
