/** The Regulator's bootstrap at deployment, seen through every organisation's own client identity. */
import { expect } from 'chai';
import { Participant, Tx, WriteResult } from '../../../chaincode/src/api';
import { readTopology } from '../../../network/profiles/topology';
import { OrgConnections, chaincodeError, evaluate, failure, submit } from '../support/fabric';
import { ACTOR } from '../support/fixtures';

const EXPECTED_KINDS: Record<string, string> = {
  Hospital1MSP: 'HOSPITAL',
  Hospital2MSP: 'HOSPITAL',
  Insurer1MSP: 'INSURER',
  Insurer2MSP: 'INSURER',
  RegulatorMSP: 'REGULATOR',
};

describe('network: participants bootstrapped by the Regulator', () => {
  const orgs = new OrgConnections();
  after(() => orgs.close());

  for (const org of readTopology().orgs) {
    it(`lists the five founding organisations with their kinds, as ${org.id}`, async () => {
      const participants = await evaluate<Participant[]>(
        await orgs.contract(org.id),
        Tx.listParticipants,
        {},
      );
      const kinds = Object.fromEntries(participants.map((p) => [p.mspId, p.kind]));
      // Others may have been registered since (the ledger outlives a test run).
      expect(kinds).to.include(EXPECTED_KINDS);
    });
  }

  it('recorded the bootstrap as made by the Regulator', async () => {
    const regulator = await evaluate<Participant>(await orgs.contract('hospital1'), Tx.getParticipant, {
      mspId: 'RegulatorMSP',
    });
    expect(regulator.recordedBy.mspId).to.equal('RegulatorMSP');
  });

  it('refuses a registration by a hospital', async () => {
    const request = { actor: ACTOR, mspId: 'Hospital3MSP', kind: 'HOSPITAL', name: 'Hospital 3' };
    const hospital = await orgs.contract('hospital1');
    const err = await failure(() => submit(hospital, Tx.registerParticipant, request));
    expect(chaincodeError(err)?.code).to.equal('FORBIDDEN');
  });

  it('answers the same registration again without writing', async () => {
    const request = { actor: ACTOR, mspId: 'Insurer2MSP', kind: 'INSURER', name: 'Insurer 2' };
    const result = await submit<WriteResult<Participant>>(
      await orgs.contract('regulator'),
      Tx.registerParticipant,
      request,
    );
    expect(result.created).to.equal(false);
  });
});
