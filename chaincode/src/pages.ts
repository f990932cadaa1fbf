/**
 * One page of a list: a key range the caller may scan, filtered entry by entry. Every list transaction pages
 * through this, so each bounds its scan and checks bookmarks the same way.
 */
import type { Page } from './api';
import { validationFailed } from './errors';
import type { Entry, KeyType, Ledger } from './ledger';
import { DEFAULT_PAGE_SIZE } from './schemas';

/** A partial composite key: the keys a list reads. */
export interface KeyRange {
  type: KeyType;
  attributes: string[];
}

/** A page reads at most this many keys per item asked for, so a rare filter cannot make a list unbounded. */
const SCAN_FACTOR = 10;

/**
 * Up to `limit` items, each what `accept` makes of an entry of `range` (undefined skips it), reading further
 * pages of keys until the page is full, the range ends or SCAN_FACTOR × limit keys were read; only in that last
 * case does a short page come with a bookmark. The bookmark (the key to read next) must lie inside the range.
 */
export async function filteredPage<V, T>(
  ledger: Ledger,
  range: KeyRange,
  accept: (entry: Entry<V>) => Promise<T | undefined>,
  limit = DEFAULT_PAGE_SIZE,
  bookmark = '',
): Promise<Page<T>> {
  if (bookmark !== '' && !bookmark.startsWith(ledger.key(range.type, ...range.attributes))) {
    throw validationFailed('bookmark must be a bookmark returned by an earlier page of the same list');
  }
  const items: T[] = [];
  let next = bookmark;
  for (let budget = SCAN_FACTOR * limit; budget > 0 && items.length < limit;) {
    const page = await ledger.page<V>(range.type, range.attributes, Math.min(limit, budget), next);
    budget -= page.entries.length;
    next = page.bookmark;
    for (const [index, entry] of page.entries.entries()) {
      const item = await accept(entry);
      if (item !== undefined) items.push(item);
      if (items.length === limit) {
        // Full: the next page starts right after this key (a bookmark is the key to read next).
        next = page.entries[index + 1]?.key ?? page.bookmark;
        break;
      }
    }
    if (next === '') break;
  }
  return { items, bookmark: next };
}
