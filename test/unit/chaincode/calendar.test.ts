import { expect } from 'chai';
import { lastDayOf, monthBefore, monthsBetween } from '../../../chaincode/src/calendar';

describe('month arithmetic', () => {
  it('lists the months between two dates or months, across a new year', () => {
    expect(monthsBetween('2025-11-15', '2026-02-01')).to.deep.equal([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
    expect(monthsBetween('2026-03', '2026-03')).to.deep.equal(['2026-03']);
    expect(monthsBetween('2026-04', '2026-03')).to.deep.equal([]);
  });

  it('steps back months across years', () => {
    expect(monthBefore('2026-02-28', 2)).to.equal('2025-12');
    expect(monthBefore('2026-12', 0)).to.equal('2026-12');
    expect(monthBefore('2026-01', 13)).to.equal('2024-12');
  });

  it('knows the last day of every month, leap years by the Gregorian rule', () => {
    expect(['2026-01', '2026-04', '2026-12'].map(lastDayOf)).to.deep.equal([
      '2026-01-31',
      '2026-04-30',
      '2026-12-31',
    ]);
    expect(['2024-02', '2026-02', '2000-02', '2100-02'].map(lastDayOf)).to.deep.equal([
      '2024-02-29',
      '2026-02-28',
      '2000-02-29',
      '2100-02-28',
    ]);
  });
});
