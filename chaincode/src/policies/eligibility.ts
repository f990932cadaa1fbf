/**
 * Eligibility at the discharge counter: a patient's policies active on a date, each with its product, the
 * patient's consent for its insurer and what the accumulators of the date's period leave. Only the insurers
 * whose collections the caller's peer holds are asked: every insurer for hospitals (a patient may come to any
 * hospital) and regulators, its own for an insurer.
 */
import type { EligiblePolicy, Eligibility, Policy, Product } from '../api';
import type { Caller } from '../access';
import { consentUntil } from '../authorisations/consent';
import type { Ledger } from '../ledger';
import { periodKey, periodStart } from '../periods';
import { latestProduct } from '../products/record';
import { pseudonymsOf } from '../pseudonyms';
import type { EligibilityRequest } from '../schemas';
import { accumulatorsFor, loadAccumulators } from '../settlements/accumulators';
import type { Accumulators } from '../split';
import { patientPolicies, servingInsurers } from './record';

export async function eligibility(
  ledger: Ledger,
  caller: Caller,
  req: EligibilityRequest,
): Promise<Eligibility> {
  const date = req.date ?? ledger.txDate;
  const patientRefs = pseudonymsOf(req.patientRef, req.formerPatientRefs);
  const serving = await servingInsurers(ledger);
  const insurers = caller.kind === 'INSURER' ? serving.filter((i) => i === caller.mspId) : serving;
  const policies: EligiblePolicy[] = [];
  for (const insurer of insurers) {
    for (const policy of await patientPolicies(ledger, insurer, patientRefs)) {
      if (policy.validFrom > date || date > policy.validTo) continue;
      const product = await latestProduct(ledger, policy.productId);
      if (!product) continue;
      const record = await loadAccumulators(ledger, insurer, policy.policyRef);
      const accumulators = accumulatorsFor(
        record,
        periodKey(product.accumulatorPeriod, policy.validFrom, date),
      );
      const until = await consentUntil(ledger, patientRefs, insurer, date);
      policies.push(eligiblePolicy(policy, product, accumulators, date, until));
    }
  }
  return { date, policies };
}

function eligiblePolicy(
  policy: Policy,
  product: Product,
  acc: Accumulators,
  date: string,
  consentUntil: string | undefined,
): EligiblePolicy {
  return {
    policyRef: policy.policyRef,
    insurer: policy.insurer,
    productId: product.productId,
    productVersion: product.version,
    productName: product.name,
    validFrom: policy.validFrom,
    validTo: policy.validTo,
    consent: { active: consentUntil !== undefined, until: consentUntil ?? null },
    accumulatorPeriod: product.accumulatorPeriod,
    periodStart: periodStart(product.accumulatorPeriod, policy.validFrom, date),
    remaining: {
      total: Math.max(0, product.annualCap - acc.paidTotal),
      benefits: product.benefits.map(({ category, ratioBps, deductible, annualCap }) => ({
        category,
        ratioBps,
        deductible: Math.max(0, deductible - (acc.deductibleUsed[category] ?? 0)),
        cap: annualCap === undefined ? null : Math.max(0, annualCap - (acc.paid[category] ?? 0)),
      })),
    },
  };
}
