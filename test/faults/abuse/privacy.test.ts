/**
 * No raw identity number or invoice number anywhere: settlements are submitted through the gateway with
 * distinctive raw values, then every file of the instance (block files and state databases of every peer and
 * orderer, every process log, every gateway log) and the event streams are searched for them. The
 * settlement id, which is not secret, must be found in the block files: the search does see the ledger.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { invoiceNumberFor } from '../../integration/support/fixtures';
import { EventStreamClient } from '../support/events';
import { filesContaining } from '../support/files';
import { startGateways } from '../support/gateways';
import { call } from '../support/http';
import { RUN_DIR } from '../support/instance';
import { chainInfo, peersAgree } from '../support/ledger';
import { until } from '../support/processes';
import { RUN, seedPolicy, settlementBody, uniqueId } from '../support/scenario';

describe('abuse: raw personal data', function () {
  this.timeout(180_000);
  before(() => startGateways());

  it('never reaches a block file, a log file or an event', async () => {
    const idNumber = `11010519900307${RUN.slice(0, 4)}`.toUpperCase();
    const invoiceNumber = invoiceNumberFor(`privacy-${RUN}`);
    const from = (await chainInfo('regulator')).height;
    const streams = [new EventStreamClient('regulator', from), new EventStreamClient('hospital1', from)];
    try {
      const policy = await seedPolicy('insurer1', ['hospital1'], undefined, {
        idType: 'RESIDENT_ID',
        idNumber,
      });
      const body = { ...settlementBody(policy, uniqueId('privacy')), invoiceNumber };
      const answer = await call('hospital1', 'POST', '/v1/settlements', body);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      // The same values again in a duplicate and in bad input, which the gateway logs as problems.
      await call('hospital1', 'POST', '/v1/settlements', { ...body, settlementId: uniqueId('privacy') });
      await call('hospital1', 'POST', '/v1/settlements', { ...body, costs: { ...body.costs, total: 1 } });
      await peersAgree();
      await until('the event streams to deliver the settlement', async () =>
        streams.every((s) => s.raw.includes(body.settlementId)),
      );

      const control = await filesContaining(body.settlementId, join(RUN_DIR, 'data'));
      expect(
        control.length,
        'block files holding the settlement id (the positive control)',
      ).to.be.greaterThan(0);
      for (const raw of [idNumber, invoiceNumber]) {
        expect(await filesContaining(raw, RUN_DIR), `files holding ${raw}`).to.deep.equal([]);
        for (const stream of streams) expect(stream.raw.toUpperCase()).not.to.contain(raw);
      }
    } finally {
      await Promise.all(streams.map((s) => s.close()));
    }
  });
});
