import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The shape of src/ that ESLint cannot see: no import cycle, one reader of the inputs.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')
        ? [join(dir, entry.name)]
        : []
  );
}

/** Every relative import of each file (type-only imports included), as absolute .ts paths. */
function importGraph(): Map<string, string[]> {
  return new Map(
    sourceFiles(root).map((file) => {
      const text = readFileSync(file, 'utf8');
      const imports = [...text.matchAll(/(?:from|import)\s+'(\.\.?\/[^']+)\.js'/g)].map((match) =>
        resolve(dirname(file), `${match[1] as string}.ts`)
      );
      return [file, imports];
    })
  );
}

/** The first cycle found by a depth-first walk, as relative paths, or undefined. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === 'done') return undefined;
    if (state.get(file) === 'open') return [...stack.slice(stack.indexOf(file)), file];
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle.map((path) => relative(root, path));
  }
  return undefined;
}

describe('the layout of src/', () => {
  it('has no import cycle', () => {
    expect(findCycle(importGraph())).toBeUndefined();
  });

  it('finds a cycle when there is one (a check of the check)', () => {
    const a = join(root, 'a.ts');
    const b = join(root, 'b.ts');
    expect(
      findCycle(
        new Map([
          [a, [b]],
          [b, [a]]
        ])
      )
    ).toEqual(['a.ts', 'b.ts', 'a.ts']);
  });

  it('reads inputs in one place only', () => {
    const readers = sourceFiles(root)
      .filter((file) => /core\.get(Boolean)?Input\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(readers).toEqual([join('settings', 'inputs.ts')]);
  });

  it('resolves every relative import to a file of src/', () => {
    const files = new Set(importGraph().keys());
    const missing = [...importGraph().values()].flat().filter((file) => !files.has(file));
    expect(missing).toEqual([]);
  });
});
