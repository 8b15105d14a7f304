// Renders the job summary (the HTML that @actions/core writes) as plain text for a terminal.

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };

function decode(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&(amp|lt|gt|quot);/g, (_, name: string) => ENTITIES[name] ?? '');
}

function cells(row: string): string[] {
  return [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((match) =>
    decode(stripTags(match[1] ?? ''))
  );
}

function stripTags(html: string): string {
  return html.replace(/<[^>]+>/g, '');
}

/** Tables become aligned columns, list items bullets, headings underlined. */
export function summaryAsText(html: string): string {
  const withTables = html.replace(/<table>([\s\S]*?)<\/table>/g, (_, table: string) => {
    const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((match) => cells(match[1] ?? ''));
    const widths =
      rows[0]?.map((_cell, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
    const lines = rows.map(
      (row) => '  ' + row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')
    );
    return `\n${lines.join('\n')}\n`;
  });
  const text = withTables
    .replace(
      /<h(\d)>([\s\S]*?)<\/h\d>/g,
      (_, level: string, title: string) => `\n${'#'.repeat(Number(level))} ${stripTags(title)}\n`
    )
    .replace(/<li>([\s\S]*?)<\/li>/g, (_, item: string) => `  - ${stripTags(item)}\n`)
    .replace(/<p>([\s\S]*?)<\/p>/g, (_, paragraph: string) => `${stripTags(paragraph)}\n`);
  return decode(stripTags(text))
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
