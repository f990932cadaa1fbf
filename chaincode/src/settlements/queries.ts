/**
 * Reading many settlements: which index a caller scans (hospitals their own, insurers theirs through the
 * insurer index, regulators everything) and the filters applied to what it yields.
 */
import type { Page, Reconciliation, Settlement } from '../api';
import { canSee, type Caller } from '../access';
import { validationFailed } from '../errors';
import { KeyType, type Entry, type Ledger } from '../ledger';
import { DEFAULT_PAGE_SIZE, SETTLEMENT_STATUSES, type SettlementStatus } from '../schemas';
import { findSettlement, settlementParties } from './record';

export interface SettlementFilter {
  hospital?: string;
  insurer?: string;
  status?: SettlementStatus;
  /** Discharge date range, inclusive. */
  from?: string;
  to?: string;
}

interface Scope {
  type: typeof KeyType.settlement | typeof KeyType.settlementByInsurer;
  attributes: string[];
}

/** The narrowest key range holding everything the caller may see that matches; null when nothing can. */
function scopeOf(caller: Caller, filter: SettlementFilter): Scope | null {
  const hospital = caller.kind === 'HOSPITAL' ? caller.mspId : filter.hospital;
  const insurer = caller.kind === 'INSURER' ? caller.mspId : filter.insurer;
  if ((filter.hospital ?? hospital) !== hospital || (filter.insurer ?? insurer) !== insurer) return null;
  if (caller.kind !== 'INSURER' && hospital !== undefined)
    return { type: KeyType.settlement, attributes: [hospital] };
  if (insurer !== undefined) return { type: KeyType.settlementByInsurer, attributes: [insurer] };
  return { type: KeyType.settlement, attributes: [] };
}

function matches(caller: Caller, filter: SettlementFilter, s: Settlement): boolean {
  return (
    canSee(caller, settlementParties(s)) &&
    (filter.hospital === undefined || s.hospital === filter.hospital) &&
    (filter.insurer === undefined || s.insurer === filter.insurer) &&
    (filter.status === undefined || s.status === filter.status) &&
    (filter.from === undefined || s.dischargeDate >= filter.from) &&
    (filter.to === undefined || s.dischargeDate <= filter.to)
  );
}

/** Index entries name a settlement by their last two attributes; settlement entries are the record. */
async function resolve(ledger: Ledger, scope: Scope, entry: Entry<unknown>): Promise<Settlement | undefined> {
  if (scope.type === KeyType.settlement) return entry.value as Settlement;
  const [, hospital, settlementId] = entry.attributes;
  return findSettlement(ledger, { hospital, settlementId });
}

/** A page reads at most this many keys per item asked for, so a rare filter cannot make a list unbounded. */
const SCAN_FACTOR = 10;

/**
 * Up to `limit` matching settlements, reading further pages of keys until the page is full, the range ends
 * or SCAN_FACTOR × limit keys were read; only in that last case does a short page come with a bookmark.
 * The bookmark (the key to read next) must lie inside the caller's range.
 */
export async function pageOfSettlements(
  ledger: Ledger,
  caller: Caller,
  filter: SettlementFilter,
  limit = DEFAULT_PAGE_SIZE,
  bookmark = '',
): Promise<Page<Settlement>> {
  const scope = scopeOf(caller, filter);
  if (scope === null) return { items: [], bookmark: '' };
  if (bookmark !== '' && !bookmark.startsWith(ledger.key(scope.type, ...scope.attributes))) {
    throw validationFailed('bookmark must be a bookmark returned by an earlier page of the same list');
  }
  const items: Settlement[] = [];
  let next = bookmark;
  for (let budget = SCAN_FACTOR * limit; budget > 0 && items.length < limit;) {
    const page = await ledger.page<unknown>(scope.type, scope.attributes, Math.min(limit, budget), next);
    budget -= page.entries.length;
    next = page.bookmark;
    for (const [index, entry] of page.entries.entries()) {
      const settlement = await resolve(ledger, scope, entry);
      if (settlement && matches(caller, filter, settlement)) items.push(settlement);
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

export async function* allSettlements(
  ledger: Ledger,
  caller: Caller,
  filter: SettlementFilter,
): AsyncGenerator<Settlement> {
  const scope = scopeOf(caller, filter);
  if (scope === null) return;
  for await (const entry of ledger.scanAll<unknown>(scope.type, scope.attributes)) {
    const settlement = await resolve(ledger, scope, entry);
    if (settlement && matches(caller, filter, settlement)) yield settlement;
  }
}

/**
 * Totals over the settlements that stand (every status but REVERSED); byStatus counts every status,
 * REVERSED included. Outstanding = commercial shares awaiting payout or disputed.
 */
export function reconcile(settlements: readonly Settlement[]): Reconciliation {
  const totals: Reconciliation = {
    count: 0,
    total: 0,
    fundShare: 0,
    commercialShare: 0,
    patientShare: 0,
    paid: 0,
    outstanding: 0,
    byStatus: Object.fromEntries(
      SETTLEMENT_STATUSES.map((status) => [status, { count: 0, commercialShare: 0 }]),
    ) as Reconciliation['byStatus'],
  };
  for (const s of settlements) {
    totals.byStatus[s.status].count += 1;
    totals.byStatus[s.status].commercialShare += s.split.commercialShare;
    if (s.status === 'REVERSED') continue;
    totals.count += 1;
    totals.total += s.costs.total;
    totals.fundShare += s.split.fundShare;
    totals.commercialShare += s.split.commercialShare;
    totals.patientShare += s.split.patientShare;
    totals.paid += s.payout?.amount ?? 0;
    if (s.status === 'AWAITING_PAYOUT' || s.status === 'DISPUTED')
      totals.outstanding += s.split.commercialShare;
  }
  return totals;
}
