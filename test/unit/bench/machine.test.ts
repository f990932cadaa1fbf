import { expect } from 'chai';
import { machineSpeed } from '../../../bench/src/machine';

describe('bench: machine speed', () => {
  it('times each piece of the fixed work and says which work it timed', async () => {
    const work = { hashMiB: 2, signatures: 20, roundTrips: 50 };
    const speed = await machineSpeed(work);
    expect(speed.work).to.deep.equal(work);
    for (const ms of [speed.sha256Ms, speed.p256SignMs, speed.loopbackRoundTripsMs]) {
      expect(ms).to.be.a('number').and.to.be.above(0).and.below(10_000);
    }
  });
});
