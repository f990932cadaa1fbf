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
  const after = copyAccumulators(input.accumulatorsBefore);
  if (!input.consent) {
    return {
      fundShare,
      commercialShare: 0,
      patientShare: costs.total - fundShare,
      lines: [],
      accumulatorsAfter: after,
      reason: 'NO_CONSENT',
    };
  }
  const lines = product.benefits.map((benefit) => applyBenefit(benefit, product.annualCap, costs, after));
  const commercialShare = lines.reduce((sum, line) => sum + line.paid, 0);
  return {
    fundShare,
    commercialShare,
    patientShare: costs.total - fundShare - commercialShare,
    lines,
    accumulatorsAfter: after,
    reason: null,
  };
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
 * The inverse used by a reversal: takes a settlement's own contributions back out of the accumulators.
 * INVALID_STATE if that would make any accumulator negative (they would no longer hold that settlement).
 */
export function subtractContributions(acc: Accumulators, lines: readonly SplitLine[]): Accumulators {
  const after = copyAccumulators(acc);
  for (const line of lines) {
    after.deductibleUsed[line.category] = (after.deductibleUsed[line.category] ?? 0) - line.deductibleApplied;
    after.paid[line.category] = (after.paid[line.category] ?? 0) - line.paid;
    after.paidTotal -= line.paid;
  }
  const values = [after.paidTotal, ...Object.values(after.paid), ...Object.values(after.deductibleUsed)];
  if (values.some((value) => value < 0)) {
    throw invalidState('the accumulators do not hold the contributions being taken back');
  }
  return after;
}
