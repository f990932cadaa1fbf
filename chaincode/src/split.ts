/**
 * The settlement split rule of DESIGN.md ("Settlement split"), as pure integer arithmetic on fen. No Fabric
 * import: the gateway's tests and the shared vectors exercise it directly.
 */
import { invalidState } from './errors';
import type { SplitLine, Split } from './api';
import { fundShareOf, MAX_RATIO_BPS, type Benefit, type BenefitCategory, type Costs } from './schemas';

/** Per policy and accumulator period: deductible used and amount paid per category, and paid in total. */
export interface Accumulators {
  deductibleUsed: Partial<Record<BenefitCategory, number>>;
  paid: Partial<Record<BenefitCategory, number>>;
  paidTotal: number;
}

export interface SplitInput {
  product: { annualCap: number; benefits: readonly Benefit[] };
  accumulatorsBefore: Accumulators;
  costs: Costs;
  /** Whether the patient had an active CLAIM_SETTLEMENT authorisation for the insurer at the tx time. */
  consent: boolean;
  /**
   * Coordination of benefits: what the patient still owes after the commercial shares of earlier insurers of the
   * same invoice (the prior settlement's patientShare). Absent for the first insurer: total − fundShare.
   */
  remainingPatientShare?: number;
}

export interface SplitResult extends Split {
  accumulatorsAfter: Accumulators;
}

/** A ratio in basis points is a fraction of this. */
const BPS_DENOMINATOR = MAX_RATIO_BPS;

export function emptyAccumulators(): Accumulators {
  return { deductibleUsed: {}, paid: {}, paidTotal: 0 };
}

export function amountInCategory(costs: Costs, category: BenefitCategory): number {
  switch (category) {
    case 'IN_CATALOGUE_SELF_PAY':
      return costs.inCatalogueSelfPay;
    case 'OUT_OF_CATALOGUE':
      return costs.outOfCatalogue;
    case 'INNOVATIVE_DRUG':
      return costs.innovativeDrug;
  }
}

function copyAccumulators(acc: Accumulators): Accumulators {
  return { deductibleUsed: { ...acc.deductibleUsed }, paid: { ...acc.paid }, paidTotal: acc.paidTotal };
}

export function computeSplit(input: SplitInput): SplitResult {
  const { product, costs } = input;
  const fundShare = fundShareOf(costs);
  const remaining = input.remainingPatientShare ?? costs.total - fundShare;
  const after = copyAccumulators(input.accumulatorsBefore);
  if (!input.consent) {
    return {
      fundShare,
      commercialShare: 0,
      patientShare: remaining,
      lines: [],
      accumulatorsAfter: after,
      reason: 'NO_CONSENT',
    };
  }
  const lines = product.benefits.map((benefit) => applyBenefit(benefit, product.annualCap, costs, after));
  cutTo(remaining, lines, after);
  const commercialShare = lines.reduce((sum, line) => sum + line.paid, 0);
  return {
    fundShare,
    commercialShare,
    patientShare: remaining - commercialShare,
    lines,
    accumulatorsAfter: after,
    reason: null,
  };
}

/**
 * Lowers the lines' payments in reverse benefit order until they add up to at most `limit`, and the accumulators
 * with them (deductibles applied stay). A first insurer's lines never exceed what the patient owes (each pays at
 * most its category's amount), so only a later insurer's are ever cut.
 */
function cutTo(limit: number, lines: SplitLine[], acc: Accumulators): void {
  let excess = lines.reduce((sum, line) => sum + line.paid, 0) - limit;
  for (const line of [...lines].reverse()) {
    if (excess <= 0) break;
    const cut = Math.min(excess, line.paid);
    if (cut === 0) continue;
    line.paid -= cut;
    line.capped = true;
    acc.paid[line.category] = (acc.paid[line.category] ?? 0) - cut;
    acc.paidTotal -= cut;
    excess -= cut;
  }
}

/** Steps 1-6 of the rule for one benefit; updates `acc` in place so later benefits see this one's payment. */
function applyBenefit(benefit: Benefit, productCap: number, costs: Costs, acc: Accumulators): SplitLine {
  const { category, ratioBps } = benefit;
  const amount = amountInCategory(costs, category);
  const deductibleUsed = acc.deductibleUsed[category] ?? 0;
  const paidBefore = acc.paid[category] ?? 0;
  const deductibleApplied = Math.min(amount, Math.max(0, benefit.deductible - deductibleUsed));
  const eligible = amount - deductibleApplied;
  // amount ≤ 1e11 and ratioBps ≤ 1e4, so the product stays below 2^53: exact in a double.
  const raw = Math.floor((eligible * ratioBps) / BPS_DENOMINATOR);
  let room = productCap - acc.paidTotal;
  if (benefit.annualCap !== undefined) room = Math.min(room, benefit.annualCap - paidBefore);
  // A later product version may lower a cap below what was already paid: the room never goes negative.
  const paid = Math.min(raw, Math.max(0, room));
  acc.deductibleUsed[category] = deductibleUsed + deductibleApplied;
  acc.paid[category] = paidBefore + paid;
  acc.paidTotal += paid;
  return { category, amount, deductibleApplied, eligible, ratioBps, paid, capped: paid < raw };
}

/**
 * The inverse used by a reversal, a rejection and a full recovery: takes a settlement's own contributions back
 * out of the accumulators. INVALID_STATE if that would make any accumulator negative (they would no longer hold
 * that settlement).
 */
export function subtractContributions(acc: Accumulators, lines: readonly SplitLine[]): Accumulators {
  const after = copyAccumulators(acc);
  for (const line of lines) {
    after.deductibleUsed[line.category] = (after.deductibleUsed[line.category] ?? 0) - line.deductibleApplied;
    after.paid[line.category] = (after.paid[line.category] ?? 0) - line.paid;
    after.paidTotal -= line.paid;
  }
  return held(after);
}

function held(acc: Accumulators): Accumulators {
  const values = [acc.paidTotal, ...Object.values(acc.paid), ...Object.values(acc.deductibleUsed)];
  if (values.some((value) => value < 0)) {
    throw invalidState('the accumulators do not hold the contributions being taken back');
  }
  return acc;
}

/** What recoveries took back of a settlement, by category (categories untouched are absent). */
export type Recovered = Partial<Record<BenefitCategory, number>>;

/**
 * Where a partial recovery of `amount` comes from: the settlement's lines in reverse benefit order, each down to
 * nothing of what it paid less what was recovered from it before. INVALID_STATE beyond what is left.
 */
export function allocateRecovery(lines: readonly SplitLine[], before: Recovered, amount: number): Recovered {
  const after = { ...before };
  let left = amount;
  for (const { category, paid } of [...lines].reverse()) {
    const taken = Math.min(left, paid - (after[category] ?? 0));
    if (taken <= 0) continue;
    after[category] = (after[category] ?? 0) + taken;
    left -= taken;
  }
  if (left > 0) throw invalidState(`${amount} is more than is left to recover of what was paid`);
  return after;
}

/**
 * A partial recovery (DESIGN.md "Years, second insurers, rejections and recoveries"): the paid accumulators and
 * the total lowered by what allocateRecovery takes from each category; deductibles used are unchanged.
 */
export function recoverPayment(
  acc: Accumulators,
  lines: readonly SplitLine[],
  recoveredBefore: Recovered,
  amount: number,
): { accumulatorsAfter: Accumulators; recoveredAfter: Recovered } {
  const recoveredAfter = allocateRecovery(lines, recoveredBefore, amount);
  const after = copyAccumulators(acc);
  for (const category of Object.keys(recoveredAfter) as BenefitCategory[]) {
    const taken = (recoveredAfter[category] ?? 0) - (recoveredBefore[category] ?? 0);
    after.paid[category] = (after.paid[category] ?? 0) - taken;
    after.paidTotal -= taken;
  }
  return { accumulatorsAfter: held(after), recoveredAfter };
}
