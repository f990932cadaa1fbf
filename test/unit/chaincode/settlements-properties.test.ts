/**
 * Random lives of settlements on a patient's two policies, one per insurer: submits (some reusing an invoice,
 * plainly, with `supersedes` or on the last settlement of it with `priorSettlement`), payouts, disputes and their
 * answers, withdrawals and upholdings, reversals and recoveries, each refused or not as the rules say. Whatever
 * happens, each policy's accumulators are exactly what its settlements that stand add up to, and the settlements of
 * an invoice that stand are one chain of coordination: each of another insurer, each after the first paying
 * towards exactly the patient share the one before it left.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { PRIOR_VERSIONS, Tx, type Settlement } from '../../../chaincode/src/api';
import { recoveredOf } from '../../../chaincode/src/settlements/lifecycle';
import type { Accumulators } from '../../../chaincode/src/split';
import { ChaincodeFailure, privateSlot, type FakeFabric } from './support/fake-fabric';
import { H1, I1, I2, REG, compositeKey, seededWithTwoPolicies, settlement, sha256 } from './support/fixtures';

type Reuse = 'plain' | 'supersede' | 'prior';
type Op =
  | { kind: 'submit'; invoice: number; insurer: number; reuse: Reuse; selfPay: number }
  | { kind: 'pay' | 'dispute' | 'answer' | 'withdraw' | 'uphold' | 'reverse'; target: number }
  | { kind: 'recover'; target: number; part: number };

// Steps outnumber submits, so that settlements get far into their lives.
const arbOp: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      invoice: fc.integer({ min: 0, max: 2 }),
      insurer: fc.integer({ min: 0, max: 1 }),
      reuse: fc.constantFrom('plain', 'supersede', 'prior'),
      // Mostly past the in-catalogue deductible (2,000,000), so that most settlements have something due.
      selfPay: fc.integer({ min: 0, max: 6_000_000 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constantFrom('pay', 'dispute', 'answer', 'withdraw', 'uphold', 'reverse'),
      target: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('recover' as const),
      target: fc.nat(),
      part: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
);

const INSURERS = [
  { mspId: I1, policyRef: 'POL-1' },
  { mspId: I2, policyRef: 'POL-2' },
];

/** Categories at 0 are the same as categories absent. */
const nonZero = (values: Partial<Record<string, number>>) =>
  Object.fromEntries(Object.entries(values).filter(([, value]) => value !== 0));

function stored(fabric: FakeFabric, { mspId, policyRef }: (typeof INSURERS)[number]): Accumulators {
  const slot = privateSlot(`policies_${mspId}`, compositeKey('accumulators', mspId, policyRef));
  const record = fabric.privateState.get(slot)?.toString();
  const year = record && (JSON.parse(record) as { years: Record<string, Accumulators> }).years['2026'];
  return year || { deductibleUsed: {}, paid: {}, paidTotal: 0 };
}

/** What the settlements that stand add to the accumulators: what they took, less what was recovered. */
function expected(settlements: readonly Settlement[]): Accumulators {
  const sum: Accumulators = { deductibleUsed: {}, paid: {}, paidTotal: 0 };
  for (const s of settlements) {
    if (['REVERSED', 'REJECTED', 'RECOVERED'].includes(s.status)) continue;
    const recovered = recoveredOf(s);
    for (const line of s.split.lines) {
      const paid = line.paid - (recovered[line.category] ?? 0);
      sum.deductibleUsed[line.category] = (sum.deductibleUsed[line.category] ?? 0) + line.deductibleApplied;
      sum.paid[line.category] = (sum.paid[line.category] ?? 0) + paid;
      sum.paidTotal += paid;
    }
  }
  return sum;
}

async function attempt(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof ChaincodeFailure)) throw error;
  }
}

/** The last settlement recorded on each invoice and its in-catalogue self-pay, by the invoice's number. */
type LastOnInvoice = Map<number, { settlementId: string; selfPay: number }>;

async function apply(fabric: FakeFabric, ids: string[], byInvoice: LastOnInvoice, op: Op): Promise<void> {
  if (op.kind === 'submit') {
    // Zero-padded, so that ids sort in the order they were recorded.
    const settlementId = `S-${String(ids.length).padStart(3, '0')}`;
    const last = byInvoice.get(op.invoice);
    const previous = last?.settlementId;
    // A later insurer settles the same costs; a replacement may correct them.
    const selfPay = op.reuse === 'prior' && last ? last.selfPay : op.selfPay;
    const base = settlement();
    const costs = { ...base.costs, total: 7_000_000 + selfPay, inCatalogueSelfPay: selfPay };
    const insurer = INSURERS[op.insurer];
    const reuse =
      previous === undefined || op.reuse === 'plain'
        ? {}
        : op.reuse === 'supersede'
          ? { supersedes: previous }
          : { priorSettlement: previous };
    const request = settlement({
      settlementId,
      invoiceHash: sha256(`invoice-${op.invoice}`),
      costs,
      insurer: insurer.mspId,
      policyRef: insurer.policyRef,
      ...reuse,
    });
    const versions = [];
    if (previous !== undefined) {
      const prior = { hospital: H1, settlementId: previous };
      versions.push((await fabric.query(H1, Tx.storedSettlement, prior)).stored);
    }
    const extra = { [PRIOR_VERSIONS]: JSON.stringify(versions) };
    const result = await fabric.invoke(H1, Tx.submitSettlement, request, extra);
    if (result.outcome === 'RECORDED') {
      ids.push(settlementId);
      byInvoice.set(op.invoice, { settlementId, selfPay });
    }
    return;
  }
  if (ids.length === 0) return;
  const key = { hospital: H1, settlementId: ids[op.target % ids.length] };
  const current = await fabric.query(REG, Tx.getSettlement, key);
  const insurer = current.insurer;
  const by = { actor: 'someone', ...key };
  const reason = { ...by, reason: 'property' };
  switch (op.kind) {
    case 'pay':
      return attempt(() =>
        fabric.invoke(insurer, Tx.payoutSettlement, {
          ...by,
          amount: current.split.commercialShare,
          paidAt: '2026-03-01',
          paymentReference: `PAY-${key.settlementId}`,
        }),
      );
    case 'dispute':
      return attempt(() => fabric.invoke(insurer, Tx.disputeSettlement, reason));
    case 'answer':
      return attempt(() => fabric.invoke(H1, Tx.answerDispute, reason));
    case 'withdraw':
      return attempt(() => fabric.invoke(insurer, Tx.withdrawDispute, by));
    case 'uphold':
      return attempt(() => fabric.invoke(insurer, Tx.upholdDispute, by));
    case 'reverse':
      return attempt(() => fabric.invoke(H1, Tx.reverseSettlement, reason));
    case 'recover': {
      const left =
        (current.payout?.amount ?? 0) - (current.recoveries ?? []).reduce((sum, r) => sum + r.amount, 0);
      const amount = Math.max(1, Math.ceil(left * op.part));
      const reference = `REC-${key.settlementId}-${current.recoveries?.length ?? 0}`;
      const recovery = { ...reason, amount, reference, recoveredAt: '2026-03-01' };
      return attempt(() => fabric.invoke(insurer, Tx.recoverSettlement, recovery));
    }
  }
}

/** The settlements that stand, by invoice, in the order they were recorded. */
function standingByInvoice(settlements: readonly Settlement[]): Settlement[][] {
  const chains = new Map<string, Settlement[]>();
  const sorted = [...settlements].sort((a, b) => a.settlementId.localeCompare(b.settlementId));
  for (const s of sorted.filter((s) => !['REVERSED', 'REJECTED'].includes(s.status)))
    chains.set(s.invoiceHash, [...(chains.get(s.invoiceHash) ?? []), s]);
  return [...chains.values()];
}

describe('settlement lives (property)', () => {
  it("keep each policy's accumulators equal to what its standing settlements add up to, one chain per invoice", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbOp, { minLength: 1, maxLength: 50, size: 'large' }), async (ops) => {
        const fabric = await seededWithTwoPolicies();
        const ids: string[] = [];
        const byInvoice: LastOnInvoice = new Map();
        for (const op of ops) await apply(fabric, ids, byInvoice, op);
        const { items } = await fabric.query(REG, Tx.listSettlements, { limit: 100 });
        for (const insurer of INSURERS) {
          const want = expected(items.filter((s) => s.insurer === insurer.mspId));
          const have = stored(fabric, insurer);
          expect(have.paidTotal).to.equal(want.paidTotal);
          expect(nonZero(have.paid)).to.deep.equal(nonZero(want.paid));
          expect(nonZero(have.deductibleUsed)).to.deep.equal(nonZero(want.deductibleUsed));
        }
        for (const chain of standingByInvoice(items)) {
          expect(new Set(chain.map((s) => s.insurer)).size).to.equal(chain.length);
          for (let n = 1; n < chain.length; n += 1) {
            const { split, priorSettlement } = chain[n];
            expect(priorSettlement).to.equal(chain[n - 1].settlementId);
            expect(split.commercialShare + split.patientShare).to.equal(chain[n - 1].split.patientShare);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
