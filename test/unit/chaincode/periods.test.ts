import { expect } from 'chai';
import fc from 'fast-check';
import { periodKey, periodStart } from '../../../chaincode/src/periods';
import { ACCUMULATOR_PERIODS, isCalendarDate, type AccumulatorPeriod } from '../../../chaincode/src/schemas';
import { projectVectors, sharedVectors } from '../../vectors/load';

interface PeriodInput {
  accumulatorPeriod: AccumulatorPeriod;
  validFrom: string;
  dischargeDate: string;
}
interface PeriodVector {
  name: string;
  kind?: string;
  input: PeriodInput;
  expect: { periodStart: string; periodKey?: string };
}

const shared = sharedVectors<PeriodVector>('rules-vectors.json').filter((v) => v.kind === 'period');
const own = projectVectors<PeriodVector>('period-vectors.json');

/** Days from 0000-01-01 of a valid date, by counting: independent of the code under test. */
function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 864e5;
}

const aDate = fc
  .record({ year: fc.integer({ min: 2000, max: 2099 }), day: fc.integer({ min: 0, max: 365 }) })
  .map(({ year, day }) => new Date(Date.UTC(year, 0, 1) + day * 864e5).toISOString().slice(0, 10))
  .filter(isCalendarDate);

describe('accumulator periods', () => {
  describe('vectors', () => {
    it('has shared and project vectors to check', () => {
      expect(shared.length).to.be.greaterThan(0);
      expect(own.length).to.be.greaterThan(0);
    });
    for (const vector of [...shared, ...own]) {
      it(vector.name, () => {
        const { accumulatorPeriod, validFrom, dischargeDate } = vector.input;
        expect(periodStart(accumulatorPeriod, validFrom, dischargeDate)).to.equal(vector.expect.periodStart);
        if (vector.expect.periodKey !== undefined)
          expect(periodKey(accumulatorPeriod, validFrom, dischargeDate)).to.equal(vector.expect.periodKey);
      });
    }
  });

  it('puts every date in a period that started at most a year before it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ACCUMULATOR_PERIODS), aDate, aDate, (period, validFrom, date) => {
        const start = periodStart(period, validFrom, date);
        expect(start <= date).to.equal(true);
        expect(dayNumber(date) - dayNumber(start)).to.be.lessThan(366);
      }),
    );
  });

  it('gives consecutive days the same period, or the second day a period starting on it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ACCUMULATOR_PERIODS), aDate, aDate, (period, validFrom, date) => {
        const next = new Date(Date.parse(date) + 864e5).toISOString().slice(0, 10);
        const start = periodStart(period, validFrom, next);
        expect([periodStart(period, validFrom, date), next]).to.include(start);
      }),
    );
  });
});
