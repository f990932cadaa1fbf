import { expect } from 'chai';
import { Tx } from '@settlement/chaincode/dist/api';
import { createPseudonymiser } from '../../../gateway/src/pseudonymise';
import { chaincodeFailure } from './fake-ledger';
import { RAW_ID_NUMBER, RAW_INVOICE, settlementBody, settlementRecord } from './fixtures';
import { PSEUDONYM_KEY, startGateway } from './harness';

describe('gateway pseudonymisation', () => {
  const pseudonymiser = createPseudonymiser(PSEUDONYM_KEY);
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
    expect(createPseudonymiser(Buffer.alloc(32, 8)).patientRef(patient)).not.to.equal(ref);
  });

  it('hashes trimmed invoice numbers with plain SHA-256', () => {
    const sha256OfAbc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(pseudonymiser.invoiceHash(' abc ')).to.equal(sha256OfAbc);
  });

  it('refuses a short key', () => {
    expect(() => createPseudonymiser(Buffer.alloc(16))).to.throw(/32 bytes/);
  });

  it('sends only hashes to the ledger and writes no raw value to the logs, even on failure', async () => {
    const gw = await startGateway('hospital1');
    try {
      gw.ledger
        .on(Tx.settlementEndorsers, () => ({ organisations: ['Hospital1MSP', 'Insurer1MSP'] }))
        .on(Tx.submitSettlement, () => ({ outcome: 'RECORDED', settlement: settlementRecord() }));
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
      expect(sent.invoiceHash).to.equal(pseudonymiser.invoiceHash(RAW_INVOICE));
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
});
