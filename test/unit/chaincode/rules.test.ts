import { expect } from 'chai';
import type { SplitLine } from '../../../chaincode/src/api';
import {
  computeSplit,
  recoverPayment,
  subtractContributions,
  type Accumulators,
  type Recovered,
  type SplitInput,
  type SplitResult,
} from '../../../chaincode/src/split';
import { projectVectors, sharedVectors } from '../../vectors/load';

interface CoordinationVector {
  name: string;
  kind: 'coordination';
  input: SplitInput & { remainingPatientShare: number };
  expect: SplitResult;
}

interface RecoveryVector {
  name: string;
  kind: 'recovery';
  input: { lines: SplitLine[] };
  steps: {
    amount: number;
    accumulatorsBefore: Accumulators;
    recoveredBefore: Recovered;
    expect: { accumulatorsAfter: Accumulators; recoveredAfter: Recovered };
  }[];
}

type RulesVector = CoordinationVector | RecoveryVector | { kind: 'period' };
const vectors = [
  ...sharedVectors<RulesVector>('rules-vectors.json'),
  ...projectVectors<RulesVector>('rules-vectors.json'),
];
const coordination = vectors.filter((v): v is CoordinationVector => v.kind === 'coordination');
const recovery = vectors.filter((v): v is RecoveryVector => v.kind === 'recovery');

describe('second insurers and recoveries (DESIGN.md, exactly)', () => {
  it('has coordination and recovery vectors to check', () => {
    expect(coordination.length).to.be.greaterThan(0);
    expect(recovery.length).to.be.greaterThan(0);
  });

  describe('coordination of benefits', () => {
    for (const vector of coordination) {
      it(vector.name, () => expect(computeSplit(vector.input)).to.deep.equal(vector.expect));
    }

    it('leaves a first insurer untouched: what it pays never exceeds what the patient owes', () => {
      const { input } = coordination[0];
      const first = computeSplit({ ...input, remainingPatientShare: undefined });
      const owed = input.costs.total - first.fundShare;
      expect(computeSplit({ ...input, remainingPatientShare: owed })).to.deep.equal(first);
    });

    it('pays nothing when nothing is left to the patient, and the accumulators stay', () => {
      const { input } = coordination[0];
      const split = computeSplit({ ...input, remainingPatientShare: 0 });
      expect(split.commercialShare).to.equal(0);
      expect(split.patientShare).to.equal(0);
      expect(split.accumulatorsAfter.paidTotal).to.equal(input.accumulatorsBefore.paidTotal);
    });

    it('without consent leaves the remaining share to the patient', () => {
      const { input } = coordination[0];
      const split = computeSplit({ ...input, consent: false });
      expect(split).to.include({ commercialShare: 0, patientShare: input.remainingPatientShare });
    });
  });

  describe('partial recoveries', () => {
    for (const vector of recovery) {
      for (const [index, step] of vector.steps.entries()) {
        it(`${vector.name}, step ${index + 1}`, () => {
          const lines = vector.input.lines;
          const result = recoverPayment(step.accumulatorsBefore, lines, step.recoveredBefore, step.amount);
          expect(result).to.deep.equal(step.expect);
        });
      }
    }

    it('refuses more than is left of what the lines paid, and never lowers another settlement', () => {
      const [vector] = recovery;
      const [first] = vector.steps;
      const paid = vector.input.lines.reduce((sum, line) => sum + line.paid, 0);
      expect(() => recoverPayment(first.accumulatorsBefore, vector.input.lines, {}, paid + 1)).to.throw(
        /more than is left/,
      );
      const holdingLess = { ...first.accumulatorsBefore, paidTotal: paid - 1 };
      expect(() => recoverPayment(holdingLess, vector.input.lines, {}, paid)).to.throw(/do not hold/);
    });

    it('recovering everything in parts leaves what a reversal leaves, less the deductibles', () => {
      const [vector] = recovery;
      const [first] = vector.steps;
      const { lines } = vector.input;
      let state = { accumulatorsAfter: first.accumulatorsBefore, recoveredAfter: {} as Recovered };
      for (const line of lines) {
        state = recoverPayment(state.accumulatorsAfter, lines, state.recoveredAfter, line.paid);
      }
      const reversed = subtractContributions(first.accumulatorsBefore, lines);
      expect(state.accumulatorsAfter.paid).to.deep.equal(reversed.paid);
      expect(state.accumulatorsAfter.paidTotal).to.equal(reversed.paidTotal);
      expect(state.accumulatorsAfter.deductibleUsed).to.deep.equal(first.accumulatorsBefore.deductibleUsed);
    });
  });
});
