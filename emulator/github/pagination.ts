// GitHub-style page/per_page with a Link header, lenient like the real API (bad values fall back to defaults,
// per_page is capped rather than refused).

export interface PageOptions {
  defaultPerPage: number;
  maxPerPage: number;
}

export function paginate<T>(
  items: readonly T[],
  query: Record<string, string>,
  options: PageOptions,
  url: string
): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(positive(query['per_page']) ?? options.defaultPerPage, options.maxPerPage);
  const page = positive(query['page']) ?? 1;
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number) => `<${url}?per_page=${perPage}&page=${n}>`;
  const rels = [
    ...(page < lastPage ? [`${link(page + 1)}; rel="next"`, `${link(lastPage)}; rel="last"`] : []),
    ...(page > 1 ? [`${link(1)}; rel="first"`, `${link(Math.min(page - 1, lastPage))}; rel="prev"`] : [])
  ];
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: rels.length > 0 ? { link: rels.join(', ') } : {}
  };
}

function positive(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 ? n : undefined;
}
