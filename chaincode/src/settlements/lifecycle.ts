/**
 * Status changes after recording (DESIGN.md "Records and their life"), each a step one party of the settlement
 * takes: AWAITING_PAYOUT → PAID | DISPUTED | REVERSED; NOTHING_DUE → REVERSED; DISPUTED → answered (status
 * unchanged) | AWAITING_PAYOUT (withdrawn) | REJECTED (upheld) | REVERSED; PAID → PAID with a partial recovery |
 * RECOVERED. A step already taken, whatever the status now, is answered from the record: the same details write
 * nothing (safe retries), others are ID_CONFLICT.
 */
import {
  ErrorCode,
  EventName,
  type Actor,
  type Recovery,
  type Settlement,
  type SettlementKey,
  type SettlementStatus,
} from '../api';
import { visible, type Caller } from '../access';
import { canonicalJson } from '../canonical';
import { ChaincodeError, idConflict, invalidState } from '../errors';
import { calendarDate, type Ledger } from '../ledger';
import { raisePeriodChanged } from '../alerts';
import type { EventPart } from '../events';
import { ensure } from '../validation';
import {
  allocateRecovery,
  recoverPayment,
  subtractContributions,
  type Accumulators,
  type Recovered,
} from '../split';
import { accumulatorsFor, loadAccumulators, storeAccumulators } from './accumulators';
import { ensureNothingCoordinatedOn } from './coordination';
import { joinRemittance } from './remittances';
import {
  findStub,
  payeeOf,
  periodOf,
  recoveredTotal,
  settlementAt,
  settlementParties,
  storeSettlement,
} from './record';

/** What a step changes of the record besides the transaction that wrote it. */
type Changes = Partial<Settlement> & { status: SettlementStatus };

export interface Step<D, R extends { by: Actor }> {
  /** As messages name it. */
  name: string;
  /** Which party may take it. */
  party: 'hospital' | 'insurer';
  from: readonly SettlementStatus[];
  event: EventName;
  /** The step as the record holds it if it was taken (of a step taken many times, the one `details` names). */
  taken(s: Settlement, details: D): R | undefined;
  /** The step as the record keeps it. */
  record(s: Settlement, details: D, by: Actor): R;
  /** Checks the step against the record and the transaction, updates the accumulators, answers the changes. */
  apply(ledger: Ledger, s: Settlement, step: R): Promise<Changes>;
}

type Details<K extends keyof Settlement> = Omit<NonNullable<Settlement[K]>, 'by'>;
type Dispute = NonNullable<Settlement['dispute']>;
type Decision = NonNullable<Dispute['decision']>;

export const PAYOUT: Step<Omit<Details<'payout'>, 'payee'>, NonNullable<Settlement['payout']>> = {
  name: 'payout',
  party: 'insurer',
  from: ['AWAITING_PAYOUT'],
  event: EventName.SettlementPaid,
  taken: (s) => s.payout,
  // A payout is made to the settlement's payee.
  record: (s, details, by) => ({ ...details, payee: payeeOf(s), by }),
  apply: async (ledger, s, payout) => {
    checkPayout(ledger, s, payout);
    await joinRemittance(ledger, s, payout);
    return { payout, status: 'PAID' };
  },
};

export const DISPUTE: Step<{ reason: string }, { reason: string; by: Actor }> = {
  name: 'dispute',
  party: 'insurer',
  from: ['AWAITING_PAYOUT'],
  event: EventName.SettlementDisputed,
  taken: (s) => s.dispute && { reason: s.dispute.reason, by: s.dispute.by },
  record: (_s, details, by) => ({ ...details, by }),
  apply: async (_ledger, _s, dispute) => ({ dispute, status: 'DISPUTED' }),
};

export const ANSWER: Step<Details<'dispute'>['answer'] & object, NonNullable<Dispute['answer']>> = {
  name: 'answer to the dispute',
  party: 'hospital',
  from: ['DISPUTED'],
  event: EventName.DisputeAnswered,
  taken: (s) => s.dispute?.answer,
  record: (_s, details, by) => ({ ...details, by }),
  apply: async (_ledger, s, answer) => ({ dispute: { ...(s.dispute as Dispute), answer }, status: s.status }),
};

/** The insurer's decision on a dispute: withdrawn, the settlement awaits payout again; upheld, it is rejected. */
function decision(
  outcome: Decision['outcome'],
  status: SettlementStatus,
  event: EventName,
): Step<Omit<Decision, 'by' | 'outcome'>, Decision> {
  return {
    name: `${outcome === 'WITHDRAWN' ? 'withdrawal' : 'upholding'} of the dispute`,
    party: 'insurer',
    from: ['DISPUTED'],
    event,
    taken: (s) => (s.dispute?.decision?.outcome === outcome ? s.dispute.decision : undefined),
    record: (_s, details, by) => ({ outcome, ...details, by }),
    apply: async (ledger, s, made) => {
      if (status === 'REJECTED') await takeBackContributions(ledger, s);
      return { dispute: { ...(s.dispute as Dispute), decision: made }, status };
    },
  };
}
export const WITHDRAWAL = decision('WITHDRAWN', 'AWAITING_PAYOUT', EventName.DisputeWithdrawn);
export const UPHOLDING = decision('UPHELD', 'REJECTED', EventName.SettlementRejected);

export const REVERSAL: Step<{ reason: string }, { reason: string; by: Actor }> = {
  name: 'reversal',
  party: 'hospital',
  from: ['AWAITING_PAYOUT', 'NOTHING_DUE', 'DISPUTED'],
  event: EventName.SettlementReversed,
  taken: (s) => s.reversal,
  record: (_s, details, by) => ({ ...details, by }),
  apply: async (ledger, s, reversal) => {
    await ensureNothingCoordinatedOn(ledger, s);
    await takeBackContributions(ledger, s);
    return { reversal, status: 'REVERSED' };
  },
};

/** A recovery is named by its reference: each reference is one recovery, however often it is sent. */
export const RECOVERY: Step<Omit<Recovery, 'by'>, Recovery> = {
  name: 'recovery',
  party: 'insurer',
  from: ['PAID'],
  event: EventName.SettlementRecovered,
  taken: (s, details) => s.recoveries?.find((r) => r.reference === details.reference),
  record: (_s, details, by) => ({ ...details, by }),
  apply: async (ledger, s, recovery) => {
    const left = (s.payout?.amount ?? 0) - recoveredTotal(s);
    if (recovery.amount > left) {
      throw new ChaincodeError(
        ErrorCode.AMOUNT_MISMATCH,
        `amount must not exceed what is left to recover of the payout (${left})`,
      );
    }
    checkMoment(ledger, recovery.recoveredAt, 'recoveredAt', {
      name: 'the payout',
      at: s.payout?.paidAt ?? '',
    });
    const full = recovery.amount === left;
    await updateAccumulators(ledger, s, (acc) => {
      const { accumulatorsAfter } = recoverPayment(acc, s.split.lines, recoveredOf(s), recovery.amount);
      // In full, the deductibles the settlement used come back too, as on a reversal.
      const deductibles = s.split.lines.map((line) => ({ ...line, paid: 0 }));
      return full ? subtractContributions(accumulatorsAfter, deductibles) : accumulatorsAfter;
    });
    return { recoveries: [...(s.recoveries ?? []), recovery], status: full ? 'RECOVERED' : 'PAID' };
  },
};

/** What the settlement's recoveries took back, by category. */
export function recoveredOf(s: Settlement): Recovered {
  return (s.recoveries ?? []).reduce<Recovered>(
    (recovered, { amount }) => allocateRecovery(s.split.lines, recovered, amount),
    {},
  );
}

/** A step as taken (or found taken before), and what it adds to its transaction's event (nothing if it wrote nothing). */
export interface StepTaken {
  created: boolean;
  record: Settlement;
  events: EventPart[];
}

/**
 * Takes `step` on the settlement at `key` as `caller`. A change in a month both parties had confirmed raises a
 * PERIOD_CHANGED alert numbered `alertId` (the transaction's id when it takes one step).
 */
export async function applyStep<D, R extends { by: Actor }>(
  ledger: Ledger,
  caller: Caller,
  key: SettlementKey,
  step: Step<D, R>,
  details: D,
  user: string,
  alertId = ledger.txId,
): Promise<StepTaken> {
  const what = `settlement ${key.hospital}/${key.settlementId}`;
  const onlyParty = (s: Pick<Settlement, 'hospital' | 'insurer'>): string[] => [s[step.party]];
  const current = await settlementAt(ledger, visible(caller, await findStub(ledger, key), onlyParty, what));
  const done = step.taken(current, details);
  if (done) {
    if (canonicalJson(done) !== canonicalJson(step.record(current, details, done.by)))
      throw idConflict(`${step.name} of ${what}`);
    return { created: false, record: current, events: [] };
  }
  if (!step.from.includes(current.status))
    throw invalidState(`${what} is ${current.status}: a ${step.name} needs it ${step.from.join(' or ')}`);
  const changes = await step.apply(ledger, current, step.record(current, details, ledger.actor(user)));
  const updated: Settlement = { ...current, ...changes, txId: ledger.txId };
  const events: EventPart[] = [{ parties: settlementParties(updated), refs: [key] }];
  if (await storeSettlement(ledger, updated, current))
    events.push(await raisePeriodChanged(ledger, user, updated, alertId));
  return { created: true, record: updated, events };
}

/** Clocks of insurers and peers differ a little: a payment may look this much later than the transaction. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

function checkPayout(ledger: Ledger, settlement: Settlement, payout: Details<'payout'>): void {
  if (payout.amount !== settlement.split.commercialShare) {
    throw new ChaincodeError(
      ErrorCode.AMOUNT_MISMATCH,
      `amount must equal the commercial share ${settlement.split.commercialShare}`,
    );
  }
  checkMoment(ledger, payout.paidAt, 'paidAt', { name: 'the discharge date', at: settlement.dischargeDate });
}

/**
 * A payment's moment: not after the transaction's time (never the local clock, so every endorser decides alike)
 * and not on a day before the day of `earliest` (a date or an instant, named as messages name it).
 */
function checkMoment(
  ledger: Ledger,
  moment: string,
  field: string,
  earliest: { name: string; at: string },
): void {
  const latest = new Date(Date.parse(ledger.txTime) + CLOCK_SKEW_MS).toISOString();
  ensure(notAfter(moment, latest), `${field} ${moment} must not be after the transaction time`);
  const day = calendarDate(earliest.at);
  ensure(calendarDate(moment) >= day, `${field} ${moment} must not be before ${earliest.name} ${day}`);
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

/** The settlement's policy's accumulators of its period, changed by `change`. */
async function updateAccumulators(
  ledger: Ledger,
  settlement: Settlement,
  change: (acc: Accumulators) => Accumulators,
): Promise<void> {
  const record = await loadAccumulators(ledger, settlement.insurer, settlement.policyRef);
  const period = periodOf(settlement);
  await storeAccumulators(ledger, record, period, change(accumulatorsFor(record, period)));
}

/** A reversal or a rejection takes the settlement's own contributions back out of its accumulators. */
async function takeBackContributions(ledger: Ledger, settlement: Settlement): Promise<void> {
  await updateAccumulators(ledger, settlement, (acc) => subtractContributions(acc, settlement.split.lines));
}
