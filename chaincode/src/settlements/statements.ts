/**
 * Month-end statements (对账) of a hospital and an insurer: the settlements discharged in a month, one line each,
 * kept in the pair's collection beside the settlement and rewritten with every version of it, so that a statement
 * reads one key range whose size is the month's, never the ledger's. Each party confirms the list it agrees to by
 * its hash; a settlement changed in a month both confirmed raises a PERIOD_CHANGED alert.
 */
import { createHash } from 'node:crypto';
import type {
  Actor,
  Page,
  Pair,
  PayeeTotals,
  Reconciliation,
  Settlement,
  Statement,
  StatementConfirmation,
  StatementLine,
  StatementParty,
} from '../api';
import { monthsBetween } from '../calendar';
import { canonicalJson } from '../canonical';
import { settlementsCollection } from '../collections';
import { invalidState, validationFailed } from '../errors';
import { KeyType, type Ledger } from '../ledger';
import { DEFAULT_PAGE_SIZE, PAYEES, SETTLEMENT_STATUSES } from '../schemas';
import { payeeOf, recoveredTotal } from './record';

/** A settlement's month: that of its discharge date, a day of the ledger's calendar (China Standard Time). */
export const monthOf = (s: Pick<Settlement, 'dischargeDate'>): string => s.dischargeDate.slice(0, 7);

/** What a statement lists of a settlement: what it owes, what was paid and taken back, and its state. */
export function lineOf(s: Settlement): StatementLine {
  const paid = s.payout?.amount ?? 0;
  const due = s.status === 'AWAITING_PAYOUT' || s.status === 'DISPUTED';
  return {
    settlementId: s.settlementId,
    dischargeDate: s.dischargeDate,
    status: s.status,
    payee: payeeOf(s),
    total: s.costs.total,
    fundShare: s.split.fundShare,
    commercialShare: s.split.commercialShare,
    patientShare: s.split.patientShare,
    paid,
    recovered: recoveredTotal(s),
    outstanding: due ? s.split.commercialShare : 0,
    ...(s.payout && { paymentReference: s.payout.paymentReference }),
  };
}

/**
 * Totals over the lines of the settlements that stand (every status but REVERSED), also by payee; byStatus counts every
 * status, REVERSED included. Outstanding = commercial shares awaiting payout or disputed; net = paid − recovered.
 */
export function reconcile(lines: readonly StatementLine[]): Reconciliation {
  const money = (): PayeeTotals => ({
    count: 0,
    commercialShare: 0,
    paid: 0,
    recovered: 0,
    net: 0,
    outstanding: 0,
  });
  const totals: Reconciliation = {
    ...money(),
    total: 0,
    fundShare: 0,
    patientShare: 0,
    byStatus: Object.fromEntries(
      SETTLEMENT_STATUSES.map((status) => [status, { count: 0, commercialShare: 0 }]),
    ) as Reconciliation['byStatus'],
    byPayee: Object.fromEntries(PAYEES.map((payee) => [payee, money()])) as Reconciliation['byPayee'],
  };
  for (const line of lines) {
    totals.byStatus[line.status].count += 1;
    totals.byStatus[line.status].commercialShare += line.commercialShare;
    if (line.status === 'REVERSED') continue;
    totals.total += line.total;
    totals.fundShare += line.fundShare;
    totals.patientShare += line.patientShare;
    for (const sums of [totals, totals.byPayee[line.payee]]) {
      sums.count += 1;
      sums.commercialShare += line.commercialShare;
      sums.paid += line.paid;
      sums.recovered += line.recovered;
      sums.net += line.paid - line.recovered;
      sums.outstanding += line.outstanding;
    }
  }
  return totals;
}

/** A statement: a hospital's and an insurer's month. */
export type StatementKey = Pair & { month: string };

const lineKey = (ledger: Ledger, month: string, settlementId: string): string =>
  ledger.key(KeyType.statementLine, month, settlementId);
const confirmationsKey = (ledger: Ledger, month: string): string => ledger.key(KeyType.statement, month);

type Confirmations = Partial<Record<StatementParty, StatementConfirmation>>;

/** Each party's confirmation of the statement, in the pair's collection (none before the first). */
async function confirmationsOf(
  ledger: Ledger,
  { hospital, insurer, month }: StatementKey,
): Promise<Confirmations> {
  const key = confirmationsKey(ledger, month);
  return (await ledger.get<Confirmations>(key, settlementsCollection(hospital, insurer))) ?? {};
}

/**
 * Writes the settlement's line if this version changes it from the `previous` one (none for a new settlement).
 * Answers whether it changed a month that both parties had confirmed: the caller then raises PERIOD_CHANGED.
 */
export async function recordLine(
  ledger: Ledger,
  s: Settlement,
  previous: Settlement | undefined,
): Promise<boolean> {
  const collection = settlementsCollection(s.hospital, s.insurer);
  const line = lineOf(s);
  if (previous && canonicalJson(lineOf(previous)) === canonicalJson(line)) return false;
  await ledger.put(lineKey(ledger, monthOf(s), s.settlementId), line, collection);
  const confirmed = await confirmationsOf(ledger, { ...s, month: monthOf(s) });
  return confirmed.hospital !== undefined && confirmed.insurer !== undefined;
}

/** SHA-256 of the lines as canonical JSON, in settlement id order: anyone holding the lines can recompute it. */
export const listHashOf = (lines: readonly StatementLine[]): string =>
  createHash('sha256').update(canonicalJson(lines)).digest('hex');

/** The month's lines in settlement id order. A range scan of a collection: read-only transactions only. */
export async function statementLines(
  ledger: Ledger,
  { hospital, insurer }: Pair,
  month: string,
): Promise<StatementLine[]> {
  const collection = settlementsCollection(hospital, insurer);
  const entries = await ledger.scanCollection<StatementLine>(collection, KeyType.statementLine, [month]);
  return entries.map((entry) => entry.value);
}

/**
 * The lines of one hospital's settlements with one insurer discharged from `from` to `to`: a range read per month
 * of their statements, whatever else the ledger holds. Read-only transactions only.
 */
export async function linesBetween(
  ledger: Ledger,
  pair: Pair,
  from: string,
  to: string,
): Promise<StatementLine[]> {
  const lines: StatementLine[] = [];
  for (const month of monthsBetween(from, to)) {
    for (const line of await statementLines(ledger, pair, month))
      if (from <= line.dischargeDate && line.dischargeDate <= to) lines.push(line);
  }
  return lines;
}

/** A page of the month's lines, in settlement id order, from `bookmark` (as an earlier page answered it). */
export async function pageOfLines(
  ledger: Ledger,
  { hospital, insurer, month }: StatementKey,
  limit = DEFAULT_PAGE_SIZE,
  bookmark = '',
): Promise<Page<StatementLine>> {
  if (bookmark !== '' && !bookmark.startsWith(ledger.key(KeyType.statementLine, month)))
    throw validationFailed('bookmark must be a bookmark returned by an earlier page of the same statement');
  const collection = settlementsCollection(hospital, insurer);
  const page = await ledger.collectionPage<StatementLine>(
    collection,
    KeyType.statementLine,
    [month],
    limit,
    bookmark,
  );
  return { items: page.entries.map((entry) => entry.value), bookmark: page.bookmark };
}

/** The statement as it stands: totals over its lines, their hash, and each party's confirmation. */
export async function statementOf(ledger: Ledger, key: StatementKey): Promise<Statement> {
  const { hospital, insurer, month } = key;
  const lines = await statementLines(ledger, key, month);
  const confirmations = await confirmationsOf(ledger, key);
  const listHash = listHashOf(lines);
  const confirmed = Object.values(confirmations);
  return {
    hospital,
    insurer,
    month,
    listHash,
    totals: reconcile(lines),
    confirmations,
    agreed: confirmations.hospital?.listHash === listHash && confirmations.insurer?.listHash === listHash,
    needsReconfirmation: confirmed.some((c) => c.listHash !== listHash),
  };
}

/**
 * Records `party`'s agreement to the month's statement with the list it names. A transaction that writes may not
 * scan a collection, so the lines come from the request (the gateway read them through its own peer) and are
 * checked line by line against the settlements: each is the pair's, of the month, and as it stands; their hash is
 * the one agreed to. The list cannot be shown complete here; the other party's confirmation of the same hash,
 * from its own reading, is what makes it the statement both agree.
 */
export async function confirmStatement(
  ledger: Ledger,
  statement: StatementKey,
  party: StatementParty,
  agreed: { listHash: string; settlementIds: readonly string[] },
  by: Actor,
): Promise<{ created: boolean; confirmation: StatementConfirmation }> {
  const { hospital, insurer, month } = statement;
  const collection = settlementsCollection(hospital, insurer);
  const lines: StatementLine[] = [];
  for (const settlementId of [...agreed.settlementIds].sort()) {
    const line = await ledger.get<StatementLine>(lineKey(ledger, month, settlementId), collection);
    if (line === undefined)
      throw invalidState(`settlement ${settlementId} is not on the statement of ${month}`);
    lines.push(line);
  }
  if (listHashOf(lines) !== agreed.listHash)
    throw invalidState(`the statement of ${month} has changed since it was read: read it again`);
  const confirmations = await confirmationsOf(ledger, statement);
  const earlier = confirmations[party];
  if (earlier?.listHash === agreed.listHash) return { created: false, confirmation: earlier };
  const confirmation = { listHash: agreed.listHash, count: lines.length, totals: reconcile(lines), by };
  const updated = { ...confirmations, [party]: confirmation };
  await ledger.put(confirmationsKey(ledger, month), updated, collection);
  return { created: true, confirmation };
}
