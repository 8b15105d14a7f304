// Plain-text tables for the benchmark: the first column left-aligned, the others right-aligned.

export type Cell = string | number;

export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = [headers, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((_, column) => Math.max(...text.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)
      )
      .join('  ')
      .trimEnd();
  const [head, ...body] = text;
  return [line(head ?? []), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(line)].join(
    '\n'
  );
}

export function seconds(ms: number | undefined, digits = 2): string {
  return ms === undefined || Number.isNaN(ms) ? '-' : `${(ms / 1000).toFixed(digits)} s`;
}

export function millis(ms: number | undefined): string {
  return ms === undefined || Number.isNaN(ms) ? '-' : `${ms.toFixed(0)} ms`;
}

export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
