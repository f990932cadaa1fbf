/**
 * Random lives of settlements on one policy: submits (some reusing an invoice, with or without `supersedes`),
 * payouts, disputes and their answers, withdrawals and upholdings, reversals and recoveries, each refused or not
 * as the rules say. Whatever happens, the policy's accumulators are exactly what the settlements that stand add
 * up to, and no invoice has two settlements standing.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { Tx, type Settlement } from '../../../chaincode/src/api';
import { recoveredOf } from '../../../chaincode/src/settlements/lifecycle';
import type { Accumulators } from '../../../chaincode/src/split';
import { ChaincodeFailure, privateSlot, type FakeFabric } from './support/fake-fabric';
import { H1, I1, REG, compositeKey, seeded, settlement, sha256 } from './support/fixtures';

type Op =
  | { kind: 'submit'; invoice: number; supersede: boolean; selfPay: number }
  | { kind: 'pay' | 'dispute' | 'answer' | 'withdraw' | 'uphold' | 'reverse'; target: number }
  | { kind: 'recover'; target: number; part: number };

// Steps outnumber submits, so that settlements get far into their lives.
const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('submit' as const),
    invoice: fc.integer({ min: 0, max: 3 }),
    supersede: fc.boolean(),
    // Mostly past the in-catalogue deductible (2,000,000), so that most settlements have something due.
    selfPay: fc.integer({ min: 0, max: 6_000_000 }),
  }),
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

const ACCUMULATORS = privateSlot('policies_Insurer1MSP', compositeKey('accumulators', I1, 'POL-1'));

/** Categories at 0 are the same as categories absent. */
const nonZero = (values: Partial<Record<string, number>>) =>
  Object.fromEntries(Object.entries(values).filter(([, value]) => value !== 0));

function stored(fabric: FakeFabric): Accumulators {
  const record = fabric.privateState.get(ACCUMULATORS)?.toString();
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

async function apply(
  fabric: FakeFabric,
  ids: string[],
  byInvoice: Map<number, string>,
  op: Op,
): Promise<void> {
  if (op.kind === 'submit') {
    const settlementId = `S-${ids.length}`;
    const previous = byInvoice.get(op.invoice);
    const base = settlement();
    const costs = { ...base.costs, total: 7_000_000 + op.selfPay, inCatalogueSelfPay: op.selfPay };
    const request = settlement({
      settlementId,
      invoiceHash: sha256(`invoice-${op.invoice}`),
      costs,
      ...(op.supersede && previous !== undefined && { supersedes: previous }),
    });
    const result = await fabric.invoke(H1, Tx.submitSettlement, request);
    if (result.outcome === 'RECORDED') {
      ids.push(settlementId);
      byInvoice.set(op.invoice, settlementId);
    }
    return;
  }
  if (ids.length === 0) return;
  const key = { hospital: H1, settlementId: ids[op.target % ids.length] };
  const current = await fabric.query(REG, Tx.getSettlement, key);
  const by = { actor: 'someone', ...key };
  const reason = { ...by, reason: 'property' };
  switch (op.kind) {
    case 'pay':
      return attempt(() =>
        fabric.invoke(I1, Tx.payoutSettlement, {
          ...by,
          amount: current.split.commercialShare,
          paidAt: '2026-03-01',
          paymentReference: `PAY-${key.settlementId}`,
        }),
      );
    case 'dispute':
      return attempt(() => fabric.invoke(I1, Tx.disputeSettlement, reason));
    case 'answer':
      return attempt(() => fabric.invoke(H1, Tx.answerDispute, reason));
    case 'withdraw':
      return attempt(() => fabric.invoke(I1, Tx.withdrawDispute, by));
    case 'uphold':
      return attempt(() => fabric.invoke(I1, Tx.upholdDispute, by));
    case 'reverse':
      return attempt(() => fabric.invoke(H1, Tx.reverseSettlement, reason));
    case 'recover': {
      const left =
        (current.payout?.amount ?? 0) - (current.recoveries ?? []).reduce((sum, r) => sum + r.amount, 0);
      const amount = Math.max(1, Math.ceil(left * op.part));
      const reference = `REC-${key.settlementId}-${current.recoveries?.length ?? 0}`;
      const recovery = { ...reason, amount, reference, recoveredAt: '2026-03-01' };
      return attempt(() => fabric.invoke(I1, Tx.recoverSettlement, recovery));
    }
  }
}

describe('settlement lives (property)', () => {
  it('keep the accumulators equal to what the standing settlements add up to, one standing per invoice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbOp, { minLength: 1, maxLength: 40 }), async (ops) => {
        const fabric = await seeded();
        const ids: string[] = [];
        const byInvoice = new Map<number, string>();
        for (const op of ops) await apply(fabric, ids, byInvoice, op);
        const { items } = await fabric.query(REG, Tx.listSettlements, { limit: 100 });
        const want = expected(items);
        const have = stored(fabric);
        expect(have.paidTotal).to.equal(want.paidTotal);
        expect(nonZero(have.paid)).to.deep.equal(nonZero(want.paid));
        expect(nonZero(have.deductibleUsed)).to.deep.equal(nonZero(want.deductibleUsed));
        const standing = items.filter((s) => !['REVERSED', 'REJECTED'].includes(s.status));
        const invoices = standing.map((s) => s.invoiceHash);
        expect(new Set(invoices).size).to.equal(invoices.length);
      }),
      { numRuns: 100 },
    );
  });
});
