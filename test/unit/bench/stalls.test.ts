import { expect } from 'chai';
import { addStalls, pressureTotal } from '../../../bench/src/stalls';

describe('bench: pressure stalls', () => {
  const io = [
    'some avg10=0.00 avg60=1.16 avg300=2.22 total=74663863',
    'full avg10=0.00 avg60=0.30 avg300=0.16 total=13950852',
    '',
  ].join('\n');

  it('reads the cumulative total of the line asked for', () => {
    expect(pressureTotal(io, 'some')).to.equal(74663863);
    expect(pressureTotal(io, 'full')).to.equal(13950852);
    expect(pressureTotal('some avg10=0.00 total=5\n', 'full')).to.equal(undefined);
  });

  it('adds the windows it knows and keeps the worst second; none known is undefined', () => {
    const a = { ioFullMs: 100, ioFullWorstSecondMs: 80, cpuSomeMs: 1000 };
    const b = { ioFullMs: 900, ioFullWorstSecondMs: 600, cpuSomeMs: 500 };
    expect(addStalls([a, undefined, b])).to.deep.equal({
      ioFullMs: 1000,
      ioFullWorstSecondMs: 600,
      cpuSomeMs: 1500,
    });
    expect(addStalls([undefined])).to.equal(undefined);
  });
});
