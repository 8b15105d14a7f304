// The README's Troubleshooting section lists every message the action can end with or warn about, so that a
// user can look up what they see. This test reads the messages out of src/ (the first string or template
// argument of each `new XxxError(`, `core.warning(` and `core.error(` call, with `${...}` as a placeholder) and
// checks both ways: each message has an entry, and each entry is still a message of the code.
import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const HOLE = '…';

/** One message of the code: its pattern (variable parts as …) and where it comes from. */
interface Message {
  readonly pattern: string;
  readonly where: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Index just past the string, template or comment that starts at `at` (or at + 1 for anything else). */
function skipToken(text: string, at: number): number {
  const char = text[at];
  if (char === "'" || char === '"') {
    let index = at + 1;
    while (index < text.length && text[index] !== char) index += text[index] === '\\' ? 2 : 1;
    return index + 1;
  }
  if (char === '`') {
    let index = at + 1;
    while (index < text.length && text[index] !== '`') {
      if (text[index] === '\\') index += 2;
      else if (text.startsWith('${', index)) index = closing(text, index + 1) + 1;
      else index += 1;
    }
    return index + 1;
  }
  if (text.startsWith('//', at)) return text.indexOf('\n', at) === -1 ? text.length : text.indexOf('\n', at);
  if (text.startsWith('/*', at)) return text.indexOf('*/', at) + 2;
  return at + 1;
}

/** Index of the bracket that closes the one at `open`. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length;) {
    const char = text[index] as string;
    if ('([{'.includes(char)) depth += 1;
    if (')]}'.includes(char) && --depth === 0) return index;
    index = skipToken(text, index);
  }
  throw new Error(`unbalanced bracket at ${open}`);
}

/** The top-level arguments of the call whose `(` is at `open`, as source text. */
function callArguments(text: string, open: number): string[] {
  const end = closing(text, open);
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let index = open + 1; index < end;) {
    const char = text[index] as string;
    if ('([{'.includes(char)) depth += 1;
    if (')]}'.includes(char)) depth -= 1;
    if (char === ',' && depth === 0) {
      args.push(text.slice(start, index).trim());
      start = index + 1;
    }
    index = skipToken(text, index);
  }
  args.push(text.slice(start, end).trim());
  return args.filter(Boolean);
}

type Substitutions = ReadonlyMap<string, string>;

/**
 * The pattern of an expression: a string literal as it reads, a template with each `${...}` as …, a name from
 * `substitutions`; undefined for anything else.
 */
function patternOf(expression: string, substitutions: Substitutions = new Map()): string | undefined {
  const source = expression.replace(/\s+as\s+string$/, '').trim();
  if (/^'(?:[^'\\]|\\.)*'$|^"(?:[^"\\]|\\.)*"$/.test(source))
    return source.slice(1, -1).replace(/\\(.)/g, '$1');
  if (/^\w+$/.test(source)) return substitutions.get(source);
  if (!source.startsWith('`') || skipToken(source, 0) !== source.length) return undefined;
  let pattern = '';
  for (let index = 1; index < source.length - 1;) {
    if (source.startsWith('${', index)) {
      const end = closing(source, index + 1);
      pattern += substitutions.get(source.slice(index + 2, end).trim()) ?? HOLE;
      index = end + 1;
    } else if (source[index] === '\\') {
      pattern += source[index + 1];
      index += 2;
    } else pattern += source[index++];
  }
  return pattern;
}

function normalize(pattern: string): string {
  return pattern
    .replace(/\s+/g, ' ')
    .replace(new RegExp(`${HOLE}+`, 'g'), HOLE)
    .trim();
}

function parameterNames(list: string): string[] {
  return callArguments(`(${list})`, 0).map(
    (parameter) => (/^(?:readonly\s+)?(\w+)/.exec(parameter) ?? [])[1] ?? ''
  );
}

/**
 * How each error class of src/errors.ts makes its message from its constructor arguments: the first argument
 * of its `super(...)`, read as a pattern of the constructor's parameters. A class without a constructor takes
 * its parent's; the root class's message is its parameter `message`.
 */
function errorClasses(): Map<
  string,
  (args: string[], resolve: (arg: string) => string | undefined) => string | undefined
> {
  const text = readFileSync(join(root, 'src', 'errors.ts'), 'utf8');
  const classes = new Map<string, { parent: string; params?: string[]; message?: string }>();
  for (const match of text.matchAll(/class (\w+) extends (\w+) \{/g)) {
    const bodyStart = (match.index ?? 0) + match[0].length - 1;
    const body = text.slice(bodyStart, closing(text, bodyStart));
    const constructor = /constructor\(/.exec(body);
    if (!constructor) {
      classes.set(match[1] as string, { parent: match[2] as string });
      continue;
    }
    const paramsOpen = constructor.index + 'constructor'.length;
    const params = parameterNames(body.slice(paramsOpen + 1, closing(body, paramsOpen)));
    const superCall = /super\(/.exec(body);
    const message =
      match[2] === 'Error' ? 'message' : superCall ? callArguments(body, superCall.index + 5)[0] : undefined;
    classes.set(match[1] as string, { parent: match[2] as string, params, ...(message && { message }) });
  }
  const build = (name: string) => (args: string[], resolve: (arg: string) => string | undefined) => {
    let current = classes.get(name);
    while (current && !current.params) current = classes.get(current.parent);
    if (!current?.params || !current.message) return undefined;
    const substitutions = new Map(
      current.params.map((param, index) => [
        param,
        args[index] === undefined ? HOLE : (resolve(args[index]) ?? HOLE)
      ])
    );
    return patternOf(current.message, substitutions);
  };
  return new Map([...classes.keys()].map((name) => [name, build(name)]));
}

/** The expression that starts at `from`: up to a `,` or `;` outside brackets, or an unmatched closing bracket. */
function expressionAt(text: string, from: number): string {
  let depth = 0;
  for (let index = from; index < text.length;) {
    const char = text[index] as string;
    if ('([{'.includes(char)) depth += 1;
    if (')]}'.includes(char) && --depth < 0) return text.slice(from, index).trim();
    if ((char === ',' || char === ';') && depth === 0) return text.slice(from, index).trim();
    index = skipToken(text, index);
  }
  return text.slice(from).trim();
}

interface SourceFile {
  readonly file: string;
  readonly text: string;
}

/**
 * The pattern of a message argument that is not a literal: a local `const name = <literal>`, the step just
 * recorded (`record.steps.push(<literal>)` before `core.warning(record.steps.at(-1))`), or a field such as
 * `plan.expiryProblem` that src/ assigns one literal (`expiryProblem: cond ? <literal> : undefined`).
 */
function resolver(
  source: SourceFile,
  files: readonly SourceFile[],
  offset: number,
  substitutions: Substitutions
) {
  const { text } = source;
  return (arg: string): string | undefined => {
    const direct = patternOf(arg, substitutions);
    if (direct !== undefined) return direct;
    const name = arg.replace(/\s+as\s+string$/, '').trim();
    const constant = /^\w+$/.test(name) ? new RegExp(`const ${name} = `).exec(text.slice(0, offset)) : null;
    if (constant) return patternOf(expressionAt(text, constant.index + constant[0].length), substitutions);
    if (name === 'record.steps.at(-1)') {
      const push = text.lastIndexOf('record.steps.push(', offset);
      const pushed = push === -1 ? undefined : callArguments(text, push + 'record.steps.push'.length)[0];
      return pushed === undefined ? undefined : patternOf(pushed, substitutions);
    }
    const field = /^\w+\.(\w+)$/.exec(name)?.[1];
    if (!field) return undefined;
    const literals = files.flatMap((other) =>
      [...other.text.matchAll(new RegExp(`\\b${field}:\\s*`, 'g'))].flatMap((match) =>
        [
          ...expressionAt(other.text, (match.index ?? 0) + match[0].length).matchAll(
            /`(?:[^`\\]|\\.)*`|'(?:[^'\\]|\\.)*'/g
          )
        ].map((literal) => literal[0])
      )
    );
    return literals.length === 1 ? patternOf(literals[0] as string) : undefined;
  };
}

/** Functions named like `lineError(lineNumber, problem)` that build an error from their callers' words. */
function helpersOf(text: string) {
  return [...text.matchAll(/function (\w+Error)\(/g)].map((match) => {
    const open = (match.index ?? 0) + match[0].length - 1;
    const bodyOpen = text.indexOf('{', closing(text, open));
    const name = match[1] as string;
    return {
      params: parameterNames(text.slice(open + 1, closing(text, open))),
      from: bodyOpen,
      to: closing(text, bodyOpen),
      calls: [...text.matchAll(new RegExp(`(?<!function )\\b${name}\\(`, 'g'))].map(
        (call) => (call.index ?? 0) + call[0].length - 1
      )
    };
  });
}

/** Every message in src/, and the places whose message could not be read. */
function codeMessages(): { messages: Message[]; unreadable: string[] } {
  const classes = errorClasses();
  const messages: Message[] = [];
  const unreadable: string[] = [];
  const files = sourceFiles(join(root, 'src')).map((path) => ({
    file: relative(root, path),
    text: readFileSync(path, 'utf8')
  }));
  for (const source of files) {
    const { file, text } = source;
    const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length;
    const helpers = helpersOf(text);
    for (const match of text.matchAll(/\bnew (\w+Error)\(|\bcore\.(warning|error)\(/g)) {
      const offset = match.index ?? 0;
      const errorClass = match[1];
      const call = errorClass ? `new ${errorClass}` : `core.${match[2] as string}`;
      if (errorClass === 'Error') continue;
      const build = errorClass ? classes.get(errorClass) : undefined;
      if (errorClass && !build) {
        unreadable.push(`${file}:${lineOf(offset)} ${call} (not a class of src/errors.ts)`);
        continue;
      }
      const args = callArguments(text, offset + match[0].length - 1);
      // Inside a helper called in this file: one message per call, the helper's parameters replaced by its arguments.
      const helper = helpers.find((candidate) => offset > candidate.from && offset < candidate.to);
      const uses: [number, Substitutions][] = helper?.calls.length
        ? helper.calls.map((open) => {
            const given = callArguments(text, open);
            return [
              open,
              new Map(helper.params.map((param, index) => [param, patternOf(given[index] ?? '') ?? HOLE]))
            ];
          })
        : [[offset, new Map()]];
      for (const [at, substitutions] of uses) {
        const resolve = resolver(source, files, offset, substitutions);
        const pattern = build ? build(args, resolve) : resolve(args[0] ?? '');
        const where = `${file}:${lineOf(at)} ${call}`;
        if (pattern === undefined) unreadable.push(where);
        else messages.push({ pattern: normalize(pattern), where });
      }
    }
  }
  return { messages, unreadable };
}

/** The Troubleshooting section of README.md. */
function troubleshooting(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Troubleshooting\n');
  if (start === -1) throw new Error('README.md has no ## Troubleshooting section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/**
 * The entries of the section: a code span that starts a list item (`- \`...\``) or a table row
 * (`| \`...\` |`). `<name>` in an entry stands for a variable part, like `${name}` in the code.
 */
function readmeEntries(section: string): string[] {
  return [...section.matchAll(/^\s*(?:[-*]|\|)\s+`([^`]+)`/gm)].map((match) =>
    normalize((match[1] as string).replace(/<[^<>]+>/g, HOLE))
  );
}

function matcher(pattern: string): RegExp {
  const parts = pattern.split(HOLE).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`);
}

const fixedLength = (pattern: string): number => pattern.replaceAll(HOLE, '').length;

const { messages, unreadable } = codeMessages();
const patterns = [...new Set(messages.map((message) => message.pattern))];
const entries = readmeEntries(troubleshooting());

/**
 * The code pattern(s) an entry documents: of the patterns that match it (… matching any text), those with the
 * most fixed text. An entry may show a pattern as it is (`Could not <what> (<status>: <detail>).`) or one case of
 * it (`Could not <what> (404: <detail>).`); a short pattern such as `Service token '…' (…) ….` is not documented
 * by the entry of a longer one that happens to match it too.
 */
function documents(entry: string): string[] {
  const matching = patterns.filter((pattern) => matcher(pattern).test(entry));
  const best = Math.max(...matching.map(fixedLength));
  return matching.filter((pattern) => fixedLength(pattern) === best);
}

describe('README.md Troubleshooting', () => {
  it('finds the messages in src/ (a sanity check of the extraction)', () => {
    expect(messages.length).toBeGreaterThan(40);
    expect(patterns).toEqual(
      expect.arrayContaining([
        "Input 'mode': '…' is not a mode.",
        "Input 'targets': line … '…' is not a repository.",
        'Could not read … of … (…).',
        "Service token '…' (…) …."
      ])
    );
  });

  it('can read the message of every error and warning in src/', () => {
    // On failure: give the message a string or template literal, or teach codeMessages() the new form.
    expect(unreadable).toEqual([]);
  });

  it('has an entry for every message (`<name>` in an entry stands for `${...}` in the code)', () => {
    const documented = new Set(entries.flatMap(documents));
    const missing = messages
      .filter((message) => !documented.has(message.pattern))
      .map((message) => `${message.where}: ${message.pattern}`);
    // On failure: add an entry for the message to the Troubleshooting section (what it means, what to do).
    expect(missing).toEqual([]);
  });

  it('lists no message that the code no longer has', () => {
    const stale = entries.filter((entry) => documents(entry).length === 0);
    // On failure: the wording changed or the message is gone; update or remove the entry.
    expect(stale).toEqual([]);
  });

  it('has no message whose fixed text is too short to look up', () => {
    const vague = patterns.filter(
      (pattern) => Math.max(...pattern.split(HOLE).map((part) => part.trim().length)) < 8
    );
    expect(vague).toEqual([]);
  });
});
