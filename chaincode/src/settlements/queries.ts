/**
 * Reading many settlements: which index a caller scans (hospitals their own, insurers theirs through the
 * insurer index, regulators everything) and the filters applied to what it yields.
 */
import type { Page, Settlement } from '../api';
import { canSee, type Caller } from '../access';
import { KeyType, type Entry, type Ledger } from '../ledger';
import { filteredPage } from '../pages';
import type { SettlementStatus } from '../schemas';
import { withReplacement } from './invoices';
import { findStub, settlementAt, settlementParties, type SettlementStub } from './record';

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

/** What the public stub decides: whether the caller may see the settlement and its parties and status match. */
const stubMatches = (caller: Caller, filter: SettlementFilter, s: SettlementStub): boolean =>
  canSee(caller, settlementParties(s)) &&
  (filter.hospital === undefined || s.hospital === filter.hospital) &&
  (filter.insurer === undefined || s.insurer === filter.insurer) &&
  (filter.status === undefined || s.status === filter.status);

const datesMatch = (filter: SettlementFilter, s: Settlement): boolean =>
  (filter.from === undefined || s.dischargeDate >= filter.from) &&
  (filter.to === undefined || s.dischargeDate <= filter.to);

/**
 * The settlement an entry names if it matches, its details read only then. Index entries name a settlement by
 * their last two attributes; settlement entries are its stub.
 */
async function resolve(
  ledger: Ledger,
  caller: Caller,
  filter: SettlementFilter,
  scope: Scope,
  entry: Entry<unknown>,
): Promise<Settlement | undefined> {
  const [, hospital, settlementId] = entry.attributes;
  const stub =
    scope.type === KeyType.settlement
      ? (entry.value as SettlementStub)
      : await findStub(ledger, { hospital, settlementId });
  if (!stub || !stubMatches(caller, filter, stub)) return undefined;
  const settlement = await settlementAt(ledger, stub);
  return datesMatch(filter, settlement) ? withReplacement(ledger, settlement) : undefined;
}

/**
 * Up to `limit` matching settlements of the caller's range, paged by `filteredPage`; a filter naming another
 * organisation's own view yields an empty page rather than an error.
 */
export async function pageOfSettlements(
  ledger: Ledger,
  caller: Caller,
  filter: SettlementFilter,
  limit?: number,
  bookmark?: string,
): Promise<Page<Settlement>> {
  const scope = scopeOf(caller, filter);
  if (scope === null) return { items: [], bookmark: '' };
  return filteredPage(
    ledger,
    scope,
    (entry) => resolve(ledger, caller, filter, scope, entry),
    limit,
    bookmark,
  );
}

export async function* allSettlements(
  ledger: Ledger,
  caller: Caller,
  filter: SettlementFilter,
): AsyncGenerator<Settlement> {
  const scope = scopeOf(caller, filter);
  if (scope === null) return;
  for await (const entry of ledger.scanAll<unknown>(scope.type, scope.attributes)) {
    const settlement = await resolve(ledger, caller, filter, scope, entry);
    if (settlement) yield settlement;
  }
}
