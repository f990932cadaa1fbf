import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { Tx } from '@settlement/chaincode/dist/api';
import { createPseudonymiser } from '../../../gateway/src/pseudonymise';
import { chaincodeFailure } from './fake-ledger';
import { RAW_ID_NUMBER, RAW_INVOICE, settlementBody, settlementRecord } from './fixtures';
import type { GatewayConfig } from '../../../gateway/src/config';
import { problemOf, PSEUDONYM_KEY, startGateway, type TestGateway } from './harness';

/** Hospital1's gateway on a ledger that names the hospital and insurer as endorsers and records any settlement. */
async function recordingHospital(overrides: Partial<GatewayConfig> = {}): Promise<TestGateway> {
  const gw = await startGateway('hospital1', overrides);
  gw.ledger
    .on(Tx.settlementEndorsers, () => ({ organisations: ['Hospital1MSP', 'Insurer1MSP'] }))
    .on(Tx.submitSettlement, () => ({ outcome: 'RECORDED', settlement: settlementRecord() }));
  return gw;
}

describe('gateway pseudonymisation', () => {
  const pseudonymiser = createPseudonymiser([PSEUDONYM_KEY]);
  const patient = { idType: 'RESIDENT_ID', idNumber: RAW_ID_NUMBER };

  it('gives the same patientRef for the same person, whatever the case and spacing of the number', () => {
    const ref = pseudonymiser.patientRef(patient);
    expect(ref).to.match(/^[0-9a-f]{64}$/);
    expect(pseudonymiser.patientRef({ ...patient, idNumber: ` ${RAW_ID_NUMBER.toLowerCase()} ` })).to.equal(
      ref,
    );
  });

  it('separates document types and keys', () => {
    const ref = pseudonymiser.patientRef(patient);
    expect(pseudonymiser.patientRef({ ...patient, idType: 'PASSPORT' })).not.to.equal(ref);
    expect(createPseudonymiser([Buffer.alloc(32, 8)]).patientRef(patient)).not.to.equal(ref);
  });

  it('hashes an invoice code and number with the key, keeping fields and kinds of pseudonym apart', () => {
    const invoice = { code: '44010026', number: '0000123456' };
    const hash = pseudonymiser.invoiceHash(invoice);
    expect(hash).to.equal(
      createHmac('sha256', PSEUDONYM_KEY).update('invoice\n44010026\n0000123456').digest('hex'),
    );
    expect(createPseudonymiser([Buffer.alloc(32, 8)]).invoiceHash(invoice)).not.to.equal(hash);
    expect(pseudonymiser.invoiceHash({ code: '4401002', number: '60000123456' })).not.to.equal(hash);
  });

  it('gives one patientRef to an identity number in full-width digits or with spaces inside', () => {
    const fullWidth = RAW_ID_NUMBER.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const spaced = `${RAW_ID_NUMBER.slice(0, 6)} ${RAW_ID_NUMBER.slice(6)}`;
    for (const idNumber of [fullWidth, spaced])
      expect(pseudonymiser.patientRef({ ...patient, idNumber })).to.equal(pseudonymiser.patientRef(patient));
  });

  it('sends one invoiceHash for every spelling of one invoice, and refuses what is not its digits', async () => {
    const gw = await recordingHospital();
    try {
      const fullWidth = RAW_INVOICE.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
      const spellings = [
        { invoiceNumber: RAW_INVOICE },
        { invoiceNumber: fullWidth },
        { invoiceNumber: `${RAW_INVOICE.slice(0, 8)} ${RAW_INVOICE.slice(8)}` },
        { invoiceNumber: `\u3000${RAW_INVOICE}\u00a0` },
        { invoice: { code: RAW_INVOICE.slice(0, 8), number: RAW_INVOICE.slice(8), checkCode: 'a1B2c3' } },
      ];
      for (const spelling of spellings) {
        const { invoiceNumber, ...rest } = settlementBody;
        const res = await gw.call('/v1/settlements', { method: 'POST', json: { ...rest, ...spelling } });
        expect(res.status, JSON.stringify(spelling)).to.equal(201);
      }
      const hashes = new Set(gw.ledger.submits().map((call) => call.request.invoiceHash));
      expect(hashes.size).to.equal(1);
      const refused = [
        `${RAW_INVOICE}\u0000`, // a trailing NUL
        `${RAW_INVOICE.slice(0, 9)}\u200b${RAW_INVOICE.slice(9)}`, // a zero-width space
        `0${RAW_INVOICE}`, // a leading zero too many
        `${RAW_INVOICE.slice(0, 17)}a`, // a letter
        `${RAW_INVOICE.slice(0, 8)}-${RAW_INVOICE.slice(8)}`, // a separator that is not a space
      ];
      for (const invoiceNumber of refused) {
        const res = await gw.call('/v1/settlements', {
          method: 'POST',
          json: { ...settlementBody, invoiceNumber },
        });
        expect(res.status, JSON.stringify(invoiceNumber)).to.equal(400);
        expect(JSON.stringify((await problemOf(res)).errors)).to.contain('body.invoiceNumber');
      }
      const both = { ...settlementBody, invoice: { code: '44010026', number: '2600012345' } };
      expect((await gw.call('/v1/settlements', { method: 'POST', json: both })).status).to.equal(400);
      expect(gw.ledger.submits()).to.have.length(spellings.length);
    } finally {
      await gw.close();
    }
  });

  it('refuses a short key', () => {
    expect(() => createPseudonymiser([Buffer.alloc(16)])).to.throw(/32 bytes/);
  });

  it('sends only hashes to the ledger and writes no raw value to the logs, even on failure', async () => {
    const gw = await recordingHospital();
    try {
      expect((await gw.call('/v1/settlements', { method: 'POST', json: settlementBody })).status).to.equal(
        201,
      );
      gw.ledger.on(Tx.submitSettlement, () => {
        throw chaincodeFailure('VALIDATION_FAILED');
      });
      await gw.call('/v1/settlements', { method: 'POST', json: settlementBody });
      gw.ledger.on(Tx.submitSettlement, () => {
        throw new Error(`crash while holding ${JSON.stringify(settlementBody).length} bytes`);
      });
      await gw.call('/v1/settlements', { method: 'POST', json: settlementBody });
      await gw.call('/v1/settlements', { method: 'POST', json: { ...settlementBody, costs: null } });

      const sent = gw.ledger.submits()[0].request;
      expect(sent.patientRef).to.equal(pseudonymiser.patientRef(patient));
      expect(sent.invoiceHash).to.equal(
        pseudonymiser.invoiceHash({ code: RAW_INVOICE.slice(0, 8), number: RAW_INVOICE.slice(8) }),
      );
      expect(sent).not.to.have.any.keys('patient', 'invoiceNumber');
      const everything = JSON.stringify(gw.ledger.calls);
      expect(everything).not.to.contain(RAW_ID_NUMBER).and.not.to.contain(RAW_INVOICE);

      const logs = gw.logs.join('');
      expect(logs).to.contain('"requestId"');
      expect(logs).not.to.contain(RAW_ID_NUMBER);
      expect(logs).not.to.contain(RAW_INVOICE);
      expect(logs).not.to.match(/Bearer|eyJ/);
    } finally {
      await gw.close();
    }
  });

  describe('after a key rotation', () => {
    const formerKey = Buffer.alloc(32, 3);
    const invoice = { code: RAW_INVOICE.slice(0, 8), number: RAW_INVOICE.slice(8) };

    it('names new records under the current key and a record under each former key, newest first', () => {
      const ring = createPseudonymiser([PSEUDONYM_KEY, formerKey, Buffer.alloc(32, 2)]);
      const under = (key: Buffer) => createPseudonymiser([key]);
      expect(ring.patientRef(patient)).to.equal(pseudonymiser.patientRef(patient));
      expect(ring.formerPatientRefs(patient)).to.deep.equal([
        under(formerKey).patientRef(patient),
        under(Buffer.alloc(32, 2)).patientRef(patient),
      ]);
      expect(ring.formerInvoiceHashes(invoice)).to.deep.equal([
        under(formerKey).invoiceHash(invoice),
        under(Buffer.alloc(32, 2)).invoiceHash(invoice),
      ]);
      expect(pseudonymiser.formerPatientRefs(patient)).to.deep.equal([]);
      expect(() => createPseudonymiser([])).to.throw(/1 to 4 keys/);
      expect(() => createPseudonymiser(Array(5).fill(PSEUDONYM_KEY))).to.throw(/1 to 4 keys/);
    });

    it("sends a settlement's former pseudonyms beside the current ones, and none without a rotation", async () => {
      for (const keys of [[PSEUDONYM_KEY, formerKey], [PSEUDONYM_KEY]]) {
        const gw = await recordingHospital({ pseudonymKeys: keys });
        try {
          await gw.call('/v1/settlements', { method: 'POST', json: settlementBody });
          const [lookup, submit] = gw.ledger.calls;
          const former = createPseudonymiser([formerKey]);
          if (keys.length === 1) {
            expect(submit.request).not.to.have.any.keys('formerPatientRefs', 'formerInvoiceHashes');
            continue;
          }
          expect(submit.request).to.deep.include({
            patientRef: pseudonymiser.patientRef(patient),
            formerPatientRefs: [former.patientRef(patient)],
            formerInvoiceHashes: [former.invoiceHash(invoice)],
          });
          expect(lookup.request).to.deep.include({ formerPatientRefs: [former.patientRef(patient)] });
        } finally {
          await gw.close();
        }
      }
    });
  });
});
