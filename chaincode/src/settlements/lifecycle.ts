/**
 * Status changes after recording (DESIGN.md "Records and their life"): AWAITING_PAYOUT → PAID | DISPUTED |
 * REVERSED; NOTHING_DUE → REVERSED; DISPUTED → REVERSED; PAID is final. A step already taken, whatever the
 * status now, is answered from the record: the same details write nothing (safe retries), others are
 * ID_CONFLICT.
 */
import {
  ErrorCode,
  EventName,
  type Actor,
  type Settlement,
  type SettlementKey,
  type SettlementStatus,
} from '../api';
import { visible, type Caller } from '../access';
import { canonicalJson } from '../canonical';
import { ChaincodeError, idConflict, invalidState } from '../errors';
import { calendarDate, type Ledger } from '../ledger';
import { writeResult } from '../records';
import { ensure } from '../validation';
import { subtractContributions } from '../split';
import { accumulatorsFor, loadAccumulators, storeAccumulators } from './accumulators';
import { findStub, payeeOf, periodOf, settlementAt, settlementParties, storeSettlement } from './record';

type Step = 'payout' | 'dispute' | 'reversal';
/** What the caller says of a step; the ledger adds who acted and, to a payout, whom it paid. */
type StepDetails<S extends Step> = Omit<NonNullable<Settlement[S]>, 'by' | 'payee'>;

interface Transition<S extends Step> {
  step: S;
  to: SettlementStatus;
  from: readonly SettlementStatus[];
  event: EventName;
  /** Which party may make it. */
  party: 'hospital' | 'insurer';
}

export const PAYOUT: Transition<'payout'> = {
  step: 'payout',
  to: 'PAID',
  from: ['AWAITING_PAYOUT'],
  event: EventName.SettlementPaid,
  party: 'insurer',
};
export const DISPUTE: Transition<'dispute'> = {
  step: 'dispute',
  to: 'DISPUTED',
  from: ['AWAITING_PAYOUT'],
  event: EventName.SettlementDisputed,
  party: 'insurer',
};
export const REVERSAL: Transition<'reversal'> = {
  step: 'reversal',
  to: 'REVERSED',
  from: ['AWAITING_PAYOUT', 'NOTHING_DUE', 'DISPUTED'],
  event: EventName.SettlementReversed,
  party: 'hospital',
};

/** Applies `transition` to the settlement at `key` as `caller`; answers a WriteResult<Settlement> as JSON. */
export async function transition<S extends Step>(
  ledger: Ledger,
  caller: Caller,
  key: SettlementKey,
  t: Transition<S>,
  details: StepDetails<S>,
  user: string,
): Promise<string> {
  const what = `settlement ${key.hospital}/${key.settlementId}`;
  const onlyParty = (s: Pick<Settlement, 'hospital' | 'insurer'>): string[] => [s[t.party]];
  const current = await settlementAt(ledger, visible(caller, await findStub(ledger, key), onlyParty, what));
  // A payout is made to the settlement's payee.
  const step = t.step === 'payout' ? { ...details, payee: payeeOf(current) } : details;
  const done = current[t.step];
  if (done) {
    if (canonicalJson(done) !== canonicalJson({ ...step, by: done.by }))
      throw idConflict(`${t.step} of ${what}`);
    return writeResult(false, current);
  }
  if (!t.from.includes(current.status))
    throw invalidState(`${what} is ${current.status}: it cannot become ${t.to}`);
  if (t.step === 'payout') checkPayout(ledger, current, details as StepDetails<'payout'>);
  if (t.step === 'reversal') await takeBackContributions(ledger, current);
  const by: Actor = ledger.actor(user);
  const updated: Settlement = { ...current, [t.step]: { ...step, by }, status: t.to, txId: ledger.txId };
  await storeSettlement(ledger, updated, false);
  ledger.emit({
    type: t.event,
    parties: settlementParties(updated),
    refs: [{ hospital: key.hospital, settlementId: key.settlementId }],
    status: t.to,
  });
  return writeResult(true, updated);
}

/** Clocks of insurers and peers differ a little: a payment may look this much later than the transaction. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

function checkPayout(ledger: Ledger, settlement: Settlement, payout: StepDetails<'payout'>): void {
  if (payout.amount !== settlement.split.commercialShare) {
    throw new ChaincodeError(
      ErrorCode.AMOUNT_MISMATCH,
      `amount must equal the commercial share ${settlement.split.commercialShare}`,
    );
  }
  // From the transaction's time, never the local clock, so every endorser decides alike.
  const latest = new Date(Date.parse(ledger.txTime) + CLOCK_SKEW_MS).toISOString();
  ensure(notAfter(payout.paidAt, latest), `paidAt ${payout.paidAt} must not be after the transaction time`);
  ensure(
    calendarDate(payout.paidAt) >= settlement.dischargeDate,
    `paidAt ${payout.paidAt} must not be before the discharge date ${settlement.dischargeDate}`,
  );
}

/**
 * Whether a date or UTC instant (as dateOrInstant accepts, up to nanoseconds) is not after `limit`, an ISO
 * instant with milliseconds; compared as text, since Date keeps only milliseconds.
 */
function notAfter(value: string, limit: string): boolean {
  if (value.length === 10) return value <= limit.slice(0, 10);
  const [seconds, fraction = ''] = value.slice(0, -1).split('.');
  const [limitSeconds, limitFraction] = limit.slice(0, -1).split('.');
  if (seconds !== limitSeconds) return seconds < limitSeconds;
  return fraction.padEnd(9, '0') <= limitFraction.padEnd(9, '0');
}

/** A reversal subtracts the settlement's own contributions from its policy's accumulators of its period. */
async function takeBackContributions(ledger: Ledger, settlement: Settlement): Promise<void> {
  const record = await loadAccumulators(ledger, settlement.insurer, settlement.policyRef);
  const period = periodOf(settlement);
  const after = subtractContributions(accumulatorsFor(record, period), settlement.split.lines);
  await storeAccumulators(ledger, record, period, after);
}
