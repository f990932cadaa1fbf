import { expect } from 'chai';
import { Tx } from '../../../chaincode/src/api';
import { FakeFabric } from './support/fake-fabric';
import {
  ALL_CALLERS,
  H1,
  I1,
  KINDS,
  REG,
  STRANGER,
  bootstrapped,
  keyEndorsers,
  refused,
  refusedUnchanged,
} from './support/fixtures';

const register = (mspId: string, kind = 'HOSPITAL', name = `${mspId} org`) => ({
  actor: 'ops',
  mspId,
  kind,
  name,
});

describe('Participants', () => {
  describe('bootstrap', () => {
    it('lets only the Regulator organisation open an empty registry', async () => {
      const fabric = new FakeFabric();
      for (const caller of [H1, I1, STRANGER]) {
        await refusedUnchanged(
          fabric,
          () => fabric.invoke(caller, Tx.registerParticipant, register(H1)),
          'FORBIDDEN',
        );
      }
      const result = await fabric.invoke(REG, Tx.registerParticipant, register(H1));
      expect(result.created).to.equal(true);
      expect(result.record).to.include({ mspId: H1, kind: 'HOSPITAL' });
      expect(result.record.recordedBy).to.include({ mspId: REG, user: 'ops' });
      expect(keyEndorsers(fabric, 'participant', H1)).to.deep.equal([REG]);
    });

    it('requires the bootstrap organisation to register itself as a REGULATOR', async () => {
      const fabric = new FakeFabric();
      await refusedUnchanged(
        fabric,
        () => fabric.invoke(REG, Tx.registerParticipant, register(REG, 'HOSPITAL')),
        'VALIDATION_FAILED',
      );
      await fabric.invoke(REG, Tx.registerParticipant, register(REG, 'REGULATOR'));
      expect((await fabric.query(REG, Tx.getParticipant, { mspId: REG })).kind).to.equal('REGULATOR');
    });
  });

  it('after bootstrap, only registered regulators register', async () => {
    const fabric = await bootstrapped();
    for (const caller of ALL_CALLERS.filter((c) => c !== REG)) {
      await refusedUnchanged(
        fabric,
        () => fabric.invoke(caller, Tx.registerParticipant, register('Hospital3MSP')),
        'FORBIDDEN',
      );
    }
    expect((await fabric.invoke(REG, Tx.registerParticipant, register('Hospital3MSP'))).created).to.equal(
      true,
    );
  });

  it('is idempotent: same content writes nothing, other content is ID_CONFLICT', async () => {
    const fabric = await bootstrapped();
    const before = fabric.snapshot();
    const again = await fabric.invoke(REG, Tx.registerParticipant, {
      ...register(H1),
      actor: 'someone-else',
    });
    expect(again.created).to.equal(false);
    expect(fabric.snapshot()).to.equal(before);
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(REG, Tx.registerParticipant, register(H1, 'INSURER')),
      'ID_CONFLICT',
    );
  });

  it('emits one event naming the participant', async () => {
    const fabric = await bootstrapped();
    await fabric.invoke(REG, Tx.registerParticipant, register('Hospital3MSP'));
    expect(fabric.events.at(-1)).to.deep.include({
      name: 'ParticipantRegistered',
      payload: {
        type: 'ParticipantRegistered',
        parties: ['Hospital3MSP'],
        refs: [{ mspId: 'Hospital3MSP' }],
      },
    });
  });

  for (const [field, value] of [
    ['mspId', 'bad msp id'],
    ['kind', 'PATIENT'],
    ['name', ''],
    ['actor', 42],
    ['extra', 'x'],
  ] as const) {
    it(`refuses ${field} = ${JSON.stringify(value)} naming the field`, async () => {
      const fabric = await bootstrapped();
      const failure = await refusedUnchanged(
        fabric,
        () => fabric.invoke(REG, Tx.registerParticipant, { ...register('Hospital3MSP'), [field]: value }),
        'VALIDATION_FAILED',
      );
      expect(failure.body.message).to.contain(field);
    });
  }

  it('refuses a request that is not a JSON object', async () => {
    const fabric = await bootstrapped();
    for (const raw of ['not json', '[]', 'null', '"x"']) {
      await refused(fabric.run(REG, Tx.registerParticipant, raw, true), 'VALIDATION_FAILED');
    }
  });

  it('lets every registered participant read the registry, and nobody else', async () => {
    const fabric = await bootstrapped();
    for (const caller of Object.keys(KINDS)) {
      const list = await fabric.query(caller, Tx.listParticipants, {});
      expect(list.map((p) => p.mspId)).to.have.members(Object.keys(KINDS));
      expect((await fabric.query(caller, Tx.getParticipant, { mspId: I1 })).kind).to.equal('INSURER');
    }
    await refused(fabric.query(STRANGER, Tx.listParticipants, {}), 'FORBIDDEN');
    await refused(fabric.query(STRANGER, Tx.getParticipant, { mspId: I1 }), 'FORBIDDEN');
    await refused(fabric.query(H1, Tx.getParticipant, { mspId: 'NobodyMSP' }), 'NOT_FOUND');
    await refused(fabric.query(H1, Tx.listParticipants, { extra: 1 }), 'VALIDATION_FAILED');
  });
});
