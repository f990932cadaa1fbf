import { expect } from 'chai';
import { cpuMsPerItem } from '../../../bench/src/report';
import type { Summary } from '../../../bench/src/stats';

describe('bench CPU per settlement', () => {
  it("divides each network process's CPU share by the items committed per second, leaving gateways out", () => {
    const measured = {
      title: 'gateway',
      concurrency: 16,
      itemsPerOperation: 1,
      summary: { throughput: 40 } as Summary,
      usage: {
        'peer-hospital1': { cpuPercent: 60, peakRssMb: 100 },
        orderer0: { cpuPercent: 8, peakRssMb: 50 },
        'gateway-hospital1': { cpuPercent: 30, peakRssMb: 80 },
      },
    };
    // 60 % of a core is 600 ms of CPU each second, over 40 settlements a second.
    expect(cpuMsPerItem(measured)).to.deep.equal({ 'peer-hospital1': 15, orderer0: 2 });
    expect(cpuMsPerItem({ ...measured, itemsPerOperation: 10 })).to.deep.equal({
      'peer-hospital1': 1.5,
      orderer0: 0.2,
    });
    expect(cpuMsPerItem({ ...measured, summary: { throughput: 0 } as Summary })).to.deep.equal({});
  });
});
