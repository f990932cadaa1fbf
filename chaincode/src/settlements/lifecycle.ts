/**
 * Status changes after recording (DESIGN.md "Records and their life"): AWAITING_PAYOUT → PAID | DISPUTED |
 * REVERSED; NOTHING_DUE → REVERSED; DISPUTED → REVERSED; PAID is final. Repeating the change that produced
 * the current status with the same details writes nothing (safe retries).
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
import { ChaincodeError, invalidState } from '../errors';
import type { Ledger } from '../ledger';
import { writeResult } from '../records';
import { subtractContributions } from '../split';
import { accumulatorsFor, loadAccumulators, storeAccumulators, yearOf } from './accumulators';
import { findSettlement, settlementKey, settlementParties } from './record';

type Step = 'payout' | 'dispute' | 'reversal';
type StepDetails<S extends Step> = Omit<NonNullable<Settlement[S]>, 'by'>;

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
  const onlyParty = (s: Settlement): string[] => [s[t.party]];
  const current = visible(caller, await findSettlement(ledger, key), onlyParty, what);
  const done = current[t.step];
  if (current.status === t.to && done && canonicalJson(done) === canonicalJson({ ...details, by: done.by })) {
    return writeResult(false, current);
  }
  if (!t.from.includes(current.status))
    throw invalidState(`${what} is ${current.status}: it cannot become ${t.to}`);
  if (t.step === 'payout' && (details as StepDetails<'payout'>).amount !== current.split.commercialShare) {
    throw new ChaincodeError(
      ErrorCode.AMOUNT_MISMATCH,
      `amount must equal the commercial share ${current.split.commercialShare}`,
    );
  }
  if (t.step === 'reversal') await takeBackContributions(ledger, current);
  const by: Actor = ledger.actor(user);
  const updated: Settlement = { ...current, [t.step]: { ...details, by }, status: t.to, txId: ledger.txId };
  await ledger.put(settlementKey(ledger, updated), updated);
  ledger.emit({
    type: t.event,
    parties: settlementParties(updated),
    refs: [{ hospital: key.hospital, settlementId: key.settlementId }],
    status: t.to,
  });
  return writeResult(true, updated);
}

/** A reversal subtracts the settlement's own contributions from its policy's accumulators for that year. */
async function takeBackContributions(ledger: Ledger, settlement: Settlement): Promise<void> {
  const year = yearOf(settlement.dischargeDate);
  const record = await loadAccumulators(ledger, settlement.policyRef);
  const after = subtractContributions(accumulatorsFor(record, year), settlement.split.lines);
  await storeAccumulators(ledger, record, year, after);
}
