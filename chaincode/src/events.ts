/**
 * A transaction's single event, put together from what each record it wrote adds: the parties of each and the
 * keys it names.
 */
import type { EventName, LedgerEvent } from './api';

/** What one record adds to its transaction's event. */
export type EventPart = Pick<LedgerEvent, 'parties' | 'refs'>;

export const sortedUnique = (values: readonly string[]): string[] => [...new Set(values)].sort();

/**
 * A transaction's single event: every settlement and alert it wrote, for every party involved, and, when the
 * records concern different organisations, which refs each may see (a batch across two insurers must not show
 * either one the other's settlements, nor an alert's hospital the settlement it was raised beside).
 */
export function eventOf(type: EventName, parts: readonly EventPart[]): LedgerEvent {
  const refs = parts.flatMap((part) => part.refs);
  const scopes = new Map<string, { parties: string[]; refs: number[] }>();
  let index = 0;
  for (const part of parts) {
    const parties = sortedUnique(part.parties);
    const id = parties.join('\n');
    const scope = scopes.get(id) ?? { parties, refs: [] };
    scopes.set(id, scope);
    for (let n = 0; n < part.refs.length; n += 1) scope.refs.push(index++);
  }
  return {
    type,
    parties: sortedUnique(parts.flatMap((part) => part.parties)),
    refs,
    ...(scopes.size > 1 && { scopes: [...scopes.values()] }),
  };
}
