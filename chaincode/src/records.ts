/** Idempotent writes by natural id: the same content again is a no-op, other content is ID_CONFLICT. */
import type { WriteResult } from './api';
import { canonicalJson } from './canonical';
import { idConflict } from './errors';
import type { Collection, Ledger } from './ledger';

export function pick<T extends object, K extends keyof T>(record: T, fields: readonly K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const field of fields) if (record[field] !== undefined) picked[field] = record[field];
  return picked;
}

/** `contentOf` keeps what was asked for and by which organisation, never the user or the time. */
export function sameContent<T>(a: T, b: T, contentOf: (record: T) => object): boolean {
  return canonicalJson(contentOf(a)) === canonicalJson(contentOf(b));
}

/**
 * The record stored under `key` if it has the candidate's content; undefined if the key is free;
 * ID_CONFLICT if it holds other content.
 */
export async function existingSame<T>(
  ledger: Ledger,
  key: string,
  candidate: T,
  contentOf: (record: T) => object,
  what: string,
  collection?: Collection,
): Promise<T | undefined> {
  const existing = await ledger.get<T>(key, collection);
  if (existing === undefined) return undefined;
  if (!sameContent(existing, candidate, contentOf)) throw idConflict(what);
  return existing;
}

/** The JSON answer of an idempotent write. */
export function writeResult<T>(created: boolean, record: T): string {
  return canonicalJson({ created, record } satisfies WriteResult<T>);
}
