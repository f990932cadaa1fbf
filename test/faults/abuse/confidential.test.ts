/**
 * A settlement's details reach only its parties and the regulator: settlements between Hospital1 and Insurer1
 * with distinctive values (payment reference, dispute reason, the patient's pseudonym, the policy reference)
 * are searched for in every peer's block files and in Insurer2's and Hospital2's stores, and read through every
 * gateway. The positive controls (the values are in Insurer1's private data store, the settlement ids in the
 * block files) show the search sees what is there.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { EventStreamClient } from '../support/events';
import { filesContaining } from '../support/files';
import { startGateways, type OrgId } from '../support/gateways';
import { call } from '../support/http';
import { RUN_DIR } from '../support/instance';
import { chainInfo, peersAgree } from '../support/ledger';
import { until } from '../support/processes';
import { readableBy, RUN, seedPolicy, settlementBody, uniqueId } from '../support/scenario';

const peerDir = (org: OrgId): string => join(RUN_DIR, 'data', `peer-${org}`);
const blockFiles = (org: OrgId): string => join(peerDir(org), 'ledger', 'ledgersData', 'chains');

describe('abuse: a competitor reading settlements', function () {
  this.timeout(180_000);
  before(() => startGateways());

  it("holds none of another pair's details, in blocks, events, state or private data", async () => {
    const paymentReference = `PAYREF-${RUN}-${uniqueId('x')}`;
    const disputeReason = `disputed for test ${RUN} ${uniqueId('reason')}`;
    const from = (await chainInfo('regulator')).height;
    const streams = (['regulator', 'insurer2', 'hospital2'] as OrgId[]).map(
      (org) => new EventStreamClient(org, from),
    );
    try {
      const policy = await seedPolicy('insurer1', ['hospital1']);
      const paid = await call(
        'hospital1',
        'POST',
        '/v1/settlements',
        settlementBody(policy, uniqueId('conf')),
      );
      const disputed = await call(
        'hospital1',
        'POST',
        '/v1/settlements',
        settlementBody(policy, uniqueId('conf')),
      );
      for (const answer of [paid, disputed]) expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      const path = (s: { hospital: string; settlementId: string }) =>
        `/v1/settlements/${s.hospital}/${s.settlementId}`;
      const payout = {
        amount: paid.body.split.commercialShare,
        paidAt: new Date().toISOString(),
        paymentReference,
      };
      for (const answer of [paid, disputed]) await readableBy('insurer1', path(answer.body));
      expect((await call('insurer1', 'POST', `${path(paid.body)}/payout`, payout)).status).to.equal(201);
      const dispute = { reason: disputeReason };
      expect((await call('insurer1', 'POST', `${path(disputed.body)}/dispute`, dispute)).status).to.equal(
        201,
      );
      await peersAgree();
      await until('the regulator to see the dispute', async () =>
        streams[0].raw.includes(disputed.body.settlementId),
      );
      const { patientRef, policyRef } = paid.body as { patientRef: string; policyRef: string };
      const secrets = [paymentReference, disputeReason, patientRef, policyRef];

      const control = await filesContaining(paymentReference, peerDir('insurer1'));
      expect(control.join(), "Insurer1's private data store (the positive control)").to.contain(
        'pvtdataStore',
      );
      expect(
        await filesContaining(paid.body.settlementId, blockFiles('insurer2')),
      ).to.have.length.greaterThan(0);
      for (const secret of secrets) {
        for (const org of ['hospital1', 'hospital2', 'insurer1', 'insurer2', 'regulator'] as OrgId[])
          expect(
            await filesContaining(secret, blockFiles(org)),
            `${org}'s block files: ${secret}`,
          ).to.deep.equal([]);
        expect(
          await filesContaining(secret, peerDir('insurer2')),
          `Insurer2's peer: ${secret}`,
        ).to.deep.equal([]);
        for (const stream of streams) expect(stream.raw).not.to.contain(secret);
      }
      // Hospital2's peer holds Insurer1's policies (it endorses settlements on them), never the settlement's.
      for (const secret of [paymentReference, disputeReason])
        expect(
          await filesContaining(secret, peerDir('hospital2')),
          `Hospital2's peer: ${secret}`,
        ).to.deep.equal([]);

      for (const org of ['insurer2', 'hospital2'] as OrgId[]) {
        expect((await call(org, 'GET', path(paid.body))).status, org).to.equal(404);
        expect((await call(org, 'GET', `${path(paid.body)}/history`)).status, org).to.equal(404);
      }
      for (const org of ['hospital1', 'insurer1', 'regulator'] as OrgId[]) {
        const read = await call(org, 'GET', path(paid.body));
        expect(read.body.payout?.paymentReference, org).to.equal(paymentReference);
        const history = await call(org, 'GET', `${path(disputed.body)}/history`);
        const versions = history.body.items ?? history.body;
        expect(
          versions.map((v: { value: { status: string } }) => v.value.status),
          org,
        ).to.deep.equal(['AWAITING_PAYOUT', 'DISPUTED']);
      }
    } finally {
      await Promise.all(streams.map((s) => s.close()));
    }
  });
});
