import { expect } from 'chai';
import { addStalls, pressureTotal, StallSampler } from '../../../bench/src/stalls';

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

  it('turns the kernel totals into milliseconds, a late step scaled to one second of it', () => {
    // io full (µs) and reading times (ms): 300 ms of stall in a 1 s step, then 400 ms in a 2 s step.
    const readings = [
      { ioFullUs: 1_000_000, cpuSomeUs: 0, at: 0 },
      { ioFullUs: 1_300_000, cpuSomeUs: 2_000_000, at: 1000 },
      { ioFullUs: 1_700_000, cpuSomeUs: 2_500_000, at: 3000 },
    ];
    let next = 0;
    const sampler = new StallSampler(
      () => readings[next],
      () => readings[next++].at,
    );
    sampler.start();
    sampler.sample();
    expect(sampler.stop()).to.deep.equal({ ioFullMs: 700, ioFullWorstSecondMs: 300, cpuSomeMs: 2500 });
  });

  it('reports nothing where the kernel has no pressure figures', () => {
    const sampler = new StallSampler(() => undefined);
    sampler.start();
    expect(sampler.stop()).to.equal(undefined);
  });
});
