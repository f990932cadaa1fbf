import { expect } from 'chai';
import { Tx } from '@settlement/chaincode/dist/api';
import type { Authorisation } from '@settlement/chaincode/dist/api';
import {
  authorisationEndorsers,
  catalogueEndorsers,
  participantEndorsers,
  revocationEndorsers,
  policyEndorsers,
  settlementEndorsers,
} from '../../../gateway/src/endorsement';
import { FakeLedger } from './fake-ledger';
import { actor, authorisationBody } from './fixtures';

describe('gateway endorsement rule', () => {
  // Whoever the registry says the regulator is: no organisation is known to the gateway by name.
  const regulator = 'WatchdogMSP';

  it('names two distinct organisations for every kind of write', () => {
    expect(catalogueEndorsers('Insurer2MSP', regulator)).to.deep.equal(['Insurer2MSP', regulator]);
    expect(authorisationEndorsers('Hospital2MSP', 'Insurer1MSP', regulator)).to.deep.equal([
      'Hospital2MSP',
      'Insurer1MSP',
    ]);
    expect(authorisationEndorsers('Insurer1MSP', 'Insurer1MSP', regulator)).to.deep.equal([
      'Insurer1MSP',
      regulator,
    ]);
  });

  it('registers with the new organisation as endorser only when it has a peer on the channel', () => {
    const peerOrgs = [regulator, 'Insurer2MSP', 'Hospital2MSP'];
    const endorsers = (registered: string, peers = peerOrgs) =>
      participantEndorsers(registered, peers, regulator);
    expect(endorsers('Insurer2MSP')).to.deep.equal(['Insurer2MSP', regulator]);
    // The regulator itself, or an organisation without a peer, is paired with a member that has one.
    expect(endorsers(regulator)).to.deep.equal(['Hospital2MSP', regulator]);
    expect(endorsers('A')).to.deep.equal(['Hospital2MSP', regulator]);
    expect(endorsers('OrdererMSP')).to.deep.equal(['Hospital2MSP', regulator]);
    // Before discovery has seen any other peer, the regulator alone (the chaincode's policy then refuses it).
    expect(endorsers('A', [regulator])).to.deep.equal([regulator]);
  });

  it('revokes with the owners the stored consent was recorded with', () => {
    const stored = (recorder: string, insurer: string) =>
      ({
        ...authorisationBody,
        insurer,
        recordedBy: actor('a'.repeat(64), recorder),
      }) as unknown as Authorisation;
    expect(revocationEndorsers(stored('Hospital2MSP', 'Insurer2MSP'), regulator)).to.deep.equal([
      'Hospital2MSP',
      'Insurer2MSP',
    ]);
    expect(revocationEndorsers(stored('Insurer2MSP', 'Insurer2MSP'), regulator)).to.deep.equal([
      'Insurer2MSP',
      regulator,
    ]);
  });

  it("asks the chaincode for a new settlement's insurer and endorsers, and for an existing one's parties", async () => {
    const ledger = new FakeLedger().on(Tx.settlementEndorsers, (req) =>
      'policyRef' in req
        ? { organisations: ['Hospital1MSP', 'Insurer2MSP'], insurer: 'Insurer2MSP' }
        : { organisations: ['Hospital1MSP', 'Insurer1MSP'] },
    );
    expect(await policyEndorsers(ledger, { patientRef: 'R', policyRef: 'P-2' })).to.deep.equal({
      insurer: 'Insurer2MSP',
      organisations: ['Hospital1MSP', 'Insurer2MSP'],
    });
    const key = { hospital: 'Hospital1MSP', settlementId: 'S-1' };
    expect(await settlementEndorsers(ledger, key)).to.deep.equal(['Hospital1MSP', 'Insurer1MSP']);
    expect(ledger.calls.map((c) => c.tx)).to.deep.equal([Tx.settlementEndorsers, Tx.settlementEndorsers]);
  });

  it('asks once per policy or settlement, and again after a refusal', async () => {
    let known = false;
    const ledger = new FakeLedger().on(Tx.settlementEndorsers, () => {
      if (!known) throw new Error('not yet');
      return { organisations: ['Insurer1MSP', 'Hospital1MSP'], insurer: 'Insurer1MSP' };
    });
    const policy = { patientRef: 'R', policyRef: 'P-1' };
    await policyEndorsers(ledger, policy).catch(() => undefined);
    known = true;
    const key = { hospital: 'Hospital1MSP', settlementId: 'S-1' };
    for (let i = 0; i < 3; i++) {
      await policyEndorsers(ledger, policy);
      await settlementEndorsers(ledger, key);
    }
    // One refused ask, then one each for the policy and the settlement: later writes use the kept answers.
    expect(ledger.calls).to.have.length(3);
    const other = new FakeLedger().on(Tx.settlementEndorsers, () => ({ organisations: ['X'], insurer: 'X' }));
    expect((await policyEndorsers(other, policy)).organisations).to.deep.equal(['X']);
  });
});
