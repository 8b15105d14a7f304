import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { ConfigError } from '../errors.js';

/** One value of the file, as the input it stands for would hold it (a list as lines, a mapping as JSON). */
export interface ConfigValue {
  readonly value: string;
  readonly line: number;
}

/** `defaults:` or one entry of `credentials:`. */
export interface ConfigSection {
  /** `defaults` or `credentials[2]`: how messages name it. */
  readonly where: string;
  readonly line: number;
  readonly values: ReadonlyMap<string, ConfigValue>;
}

export interface ConfigFile {
  /** As given in the `config` input. */
  readonly path: string;
  readonly defaults: ConfigSection;
  readonly entries: readonly ConfigSection[];
}

const FORMAT_HINT =
  'Write a mapping with `credentials:` (a list of entries, each a mapping of input names to values) and, optionally, `defaults:`.';
/** Only this key takes a mapping: the policy of a new API token. */
const MAPPING_KEY = 'api-token-policy';

/** The one error of this file: where (file, line) and what is wrong. */
export function configError(path: string, line: number | undefined, problem: string, hint: string) {
  const at = line === undefined ? '' : ` line ${line}:`;
  return new ConfigError(`Config file ${path},${at} ${problem}.`, hint);
}

function parseValue(path: string, lines: LineCounter, key: string, node: unknown, where: string): string {
  const line = lineOf(lines, node);
  const name = `${where}.${key}`;
  if (isScalar(node)) {
    if (node.value === null || node.value === undefined) {
      throw configError(path, line, `${name} has no value`, 'Give it a value, or remove the key.');
    }
    // Numbers keep their spelling (an id of digits only, 1.50 days): the settings parse the text.
    return typeof node.value === 'number' && node.source !== undefined ? node.source : scalarText(node.value);
  }
  if (isSeq(node)) {
    return node.items
      .map((item) => {
        if (!isScalar(item) || item.value === null || typeof item.value === 'object') {
          throw configError(
            path,
            lineOf(lines, item),
            `${name} lists something other than a value`,
            'List one value a line.'
          );
        }
        return scalarText(item.value);
      })
      .join('\n');
  }
  if (isMap(node) && key === MAPPING_KEY) return JSON.stringify(node.toJSON());
  throw configError(
    path,
    line,
    `${name} is a mapping`,
    `Give a string, a number, a boolean or a list; only ${MAPPING_KEY} takes a mapping.`
  );
}

/** A scalar's text: strings as they are, numbers and booleans as YAML wrote them. */
function scalarText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}

function lineOf(lines: LineCounter, node: unknown): number | undefined {
  const range = (node as Node | null)?.range;
  return range ? lines.linePos(range[0]).line : undefined;
}

function parseSection(path: string, lines: LineCounter, node: unknown, where: string): ConfigSection {
  const line = lineOf(lines, node) ?? 1;
  if (!isMap(node)) {
    throw configError(
      path,
      line,
      `${where} is not a mapping`,
      'Write input names and their values, one a line.'
    );
  }
  const values = new Map<string, ConfigValue>();
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? scalarText(pair.key.value) : undefined;
    const keyLine = lineOf(lines, pair.key) ?? line;
    if (key === undefined) {
      throw configError(
        path,
        keyLine,
        `${where} has a key that is not a name`,
        'Use the input names of action.yml.'
      );
    }
    values.set(key, { value: parseValue(path, lines, key, pair.value, where), line: keyLine });
  }
  return { where, line, values };
}

function topLevel(path: string, lines: LineCounter, text: string) {
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line;
    const what = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw configError(path, line, `is not valid YAML (${what})`, 'Fix the YAML syntax.');
  }
  if (!isMap(doc.contents)) throw configError(path, 1, 'has no mapping at its top', FORMAT_HINT);
  for (const pair of doc.contents.items as Pair<unknown, unknown>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key !== 'defaults' && key !== 'credentials') {
      throw configError(
        path,
        lineOf(lines, pair.key),
        `has an unknown top-level key '${key.slice(0, 60)}'`,
        FORMAT_HINT
      );
    }
  }
  return { defaults: doc.contents.get('defaults', true), credentials: doc.contents.get('credentials', true) };
}

/** Parses the file's text into its sections; nothing is validated against the inputs yet. */
export function parseConfig(path: string, text: string): ConfigFile {
  const lines = new LineCounter();
  const { defaults, credentials } = topLevel(path, lines, text);
  if (!isSeq(credentials) || credentials.items.length === 0) {
    throw configError(path, lineOf(lines, credentials), 'has no list of credentials', FORMAT_HINT);
  }
  return {
    path,
    defaults:
      defaults === undefined
        ? { where: 'defaults', line: 1, values: new Map() }
        : parseSection(path, lines, defaults, 'defaults'),
    entries: credentials.items.map((item, index) => parseSection(path, lines, item, `credentials[${index}]`))
  };
}
