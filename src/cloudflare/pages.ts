/** A page of a Cloudflare v4 list as the SDK returns it. */
interface V4Page<T> {
  getPaginatedItems(): T[];
  readonly result_info?: { page?: number; total_pages?: number; total_count?: number };
  hasNextPage(): boolean;
  getNextPage(): Promise<V4Page<T>>;
}

/** More pages than any account holds: a loop guard against an API that never says it is done. */
const MAX_PAGES = 1000;

/**
 * Every item of a paged list. `result_info.total_pages` (or total_count) says when to stop; a page shorter
 * than asked for is not the last one (Cloudflare caps pages below some per_page values). Without either, the
 * SDK's own rule applies: stop after an empty page.
 */
export async function listAllPages<T>(first: PromiseLike<V4Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let page = await first;
  for (let number = 1; number <= MAX_PAGES; number++) {
    const batch = page.getPaginatedItems();
    items.push(...batch);
    const info = page.result_info ?? {};
    const totalPages = typeof info.total_pages === 'number' ? info.total_pages : undefined;
    const totalCount = typeof info.total_count === 'number' ? info.total_count : undefined;
    if (totalPages !== undefined && number >= totalPages) break;
    if (totalPages === undefined && totalCount !== undefined && items.length >= totalCount) break;
    if (batch.length === 0 || !page.hasNextPage()) break;
    page = await page.getNextPage();
  }
  return items;
}
