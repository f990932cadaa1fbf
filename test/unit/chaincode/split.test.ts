import { expect } from 'chai';
import fc from 'fast-check';
import { BENEFIT_CATEGORIES, MAX_FEN, type Benefit, type Costs } from '../../../chaincode/src/schemas';
import { ChaincodeError } from '../../../chaincode/src/errors';
import {
  computeSplit,
  emptyAccumulators,
  subtractContributions,
  type Accumulators,
  type SplitInput,
} from '../../../chaincode/src/split';
import { sharedVectors } from '../../vectors/load';

interface Vector {
  name: string;
  input: SplitInput;
  expect: ReturnType<typeof computeSplit>;
}

const vectors = sharedVectors<Vector>('split-vectors.json');

describe('computeSplit', () => {
  describe('shared vectors', () => {
    it('has vectors to check', () => expect(vectors.length).to.be.greaterThan(0));
    for (const vector of vectors) {
      it(vector.name, () => expect(computeSplit(vector.input)).to.deep.equal(vector.expect));
    }
  });

  it('does not modify the accumulators it is given', () => {
    const before: Accumulators = {
      deductibleUsed: { INNOVATIVE_DRUG: 5 },
      paid: { INNOVATIVE_DRUG: 7 },
      paidTotal: 7,
    };
    const copy = structuredClone(before);
    computeSplit({ ...vectors[0].input, accumulatorsBefore: before });
    expect(before).to.deep.equal(copy);
  });

  it('pays nothing once a lowered cap is already exceeded (room never negative)', () => {
    const result = computeSplit({
      product: {
        annualCap: 100,
        benefits: [{ category: 'INNOVATIVE_DRUG', deductible: 0, ratioBps: 10000 }],
      },
      accumulatorsBefore: { deductibleUsed: {}, paid: { INNOVATIVE_DRUG: 500 }, paidTotal: 500 },
      costs: costsOf(0, 0, 0, 1000),
      consent: true,
    });
    expect(result.commercialShare).to.equal(0);
    expect(result.lines[0]).to.include({ paid: 0, capped: true });
  });
});

function costsOf(fund: number, inCatalogue: number, outOfCatalogue: number, innovative: number): Costs {
  return {
    total: fund + inCatalogue + outOfCatalogue + innovative,
    fund: { pooled: fund, seriousIllness: 0, assistance: 0 },
    inCatalogueSelfPay: inCatalogue,
    outOfCatalogue,
    innovativeDrug: innovative,
  };
}

// ----- properties -----

const fen = (max = MAX_FEN / 10) => fc.integer({ min: 0, max });
const arbCosts: fc.Arbitrary<Costs> = fc
  .tuple(fen(), fen(), fen(), fen(), fen(), fen())
  .map(([pooled, serious, assistance, inCat, outCat, innovative]) => ({
    total: pooled + serious + assistance + inCat + outCat + innovative,
    fund: { pooled, seriousIllness: serious, assistance },
    inCatalogueSelfPay: inCat,
    outOfCatalogue: outCat,
    innovativeDrug: innovative,
  }));
const arbBenefits: fc.Arbitrary<Benefit[]> = fc
  .subarray([...BENEFIT_CATEGORIES], { minLength: 1 })
  .chain((categories) =>
    fc.tuple(
      ...categories.map((category) =>
        fc.record(
          {
            category: fc.constant(category),
            deductible: fen(),
            ratioBps: fc.integer({ min: 0, max: 10000 }),
            annualCap: fen(),
          },
          { requiredKeys: ['category', 'deductible', 'ratioBps'] },
        ),
      ),
    ),
  );
const arbAccumulators: fc.Arbitrary<Accumulators> = fc
  .tuple(fen(), fen(), fen(), fen())
  .map(([dIn, dOut, pIn, pInnov]) => ({
    deductibleUsed: { IN_CATALOGUE_SELF_PAY: dIn, OUT_OF_CATALOGUE: dOut },
    paid: { IN_CATALOGUE_SELF_PAY: pIn, INNOVATIVE_DRUG: pInnov },
    paidTotal: pIn + pInnov,
  }));
const arbInput: fc.Arbitrary<SplitInput> = fc.record({
  product: fc.record({ annualCap: fen(), benefits: arbBenefits }),
  accumulatorsBefore: fc.oneof(fc.constant(emptyAccumulators()), arbAccumulators),
  costs: arbCosts,
  consent: fc.boolean(),
});

const get = (record: Partial<Record<string, number>>, key: string): number => record[key] ?? 0;

describe('computeSplit properties', () => {
  it('the three shares add up to the total and none is negative', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const r = computeSplit(input);
        expect(r.fundShare + r.commercialShare + r.patientShare).to.equal(input.costs.total);
        for (const share of [r.fundShare, r.commercialShare, r.patientShare]) expect(share).to.be.at.least(0);
        for (const line of r.lines) {
          for (const value of [line.amount, line.deductibleApplied, line.eligible, line.paid]) {
            expect(Number.isSafeInteger(value) && value >= 0).to.equal(true);
          }
          expect(line.paid).to.be.at.most(line.eligible);
        }
      }),
    );
  });

  it('never pays past the product cap or a benefit cap (beyond what was already paid)', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const before = input.accumulatorsBefore;
        const after = computeSplit(input).accumulatorsAfter;
        const paidNow = after.paidTotal - before.paidTotal;
        expect(paidNow).to.be.at.most(Math.max(0, input.product.annualCap - before.paidTotal));
        for (const benefit of input.product.benefits) {
          if (benefit.annualCap === undefined) continue;
          const now = get(after.paid, benefit.category) - get(before.paid, benefit.category);
          expect(now).to.be.at.most(Math.max(0, benefit.annualCap - get(before.paid, benefit.category)));
        }
      }),
    );
  });

  it('accumulators only grow, and not at all without consent', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const before = input.accumulatorsBefore;
        const after = computeSplit(input).accumulatorsAfter;
        if (!input.consent) expect(after).to.deep.equal(before);
        expect(after.paidTotal).to.be.at.least(before.paidTotal);
        for (const category of BENEFIT_CATEGORIES) {
          expect(get(after.paid, category)).to.be.at.least(get(before.paid, category));
          expect(get(after.deductibleUsed, category)).to.be.at.least(get(before.deductibleUsed, category));
        }
      }),
    );
  });

  it('a reversal restores the accumulators', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const result = computeSplit(input);
        const restored = subtractContributions(result.accumulatorsAfter, result.lines);
        const before = input.accumulatorsBefore;
        expect(restored.paidTotal).to.equal(before.paidTotal);
        for (const category of BENEFIT_CATEGORIES) {
          expect(get(restored.paid, category)).to.equal(get(before.paid, category));
          expect(get(restored.deductibleUsed, category)).to.equal(get(before.deductibleUsed, category));
        }
      }),
    );
  });

  it('a reversal never takes more than the accumulators hold', () => {
    const result = computeSplit({
      product: {
        annualCap: 1000,
        benefits: [{ category: 'OUT_OF_CATALOGUE', deductible: 10, ratioBps: 5000 }],
      },
      accumulatorsBefore: emptyAccumulators(),
      costs: {
        total: 100,
        fund: { pooled: 0, seriousIllness: 0, assistance: 0 },
        inCatalogueSelfPay: 0,
        outOfCatalogue: 100,
        innovativeDrug: 0,
      },
      consent: true,
    });
    expect(() => subtractContributions(emptyAccumulators(), result.lines))
      .to.throw(ChaincodeError)
      .with.property('body')
      .that.deep.includes({ code: 'INVALID_STATE' });
  });
});
