import { expect } from 'chai';
import { Tx } from '@settlement/chaincode/dist/api';
import type { Participant } from '@settlement/chaincode/dist/api';
import { awaitMembership, membershipOf } from '../../../gateway/src/membership';
import { createLogger } from '../../../gateway/src/logger';
import { FakeLedger } from './fake-ledger';

const recordedBy = { mspId: 'WatchdogMSP', user: 'bootstrap', txId: 'tx', at: '2026-01-01T00:00:00Z' };
const participant = (mspId: string, kind: Participant['kind']): Participant => ({
  mspId,
  kind,
  name: mspId,
  recordedBy,
});

describe('gateway membership', () => {
  const registry = [participant('WatchdogMSP', 'REGULATOR'), participant('ClinicMSP', 'HOSPITAL')];

  it("takes its organisation's kind, role and the regulator from the participant registry", () => {
    expect(membershipOf('ClinicMSP', registry)).to.deep.equal({
      mspId: 'ClinicMSP',
      kind: 'HOSPITAL',
      role: 'clerk',
      regulator: 'WatchdogMSP',
    });
    expect(membershipOf('WatchdogMSP', registry)).to.include({ role: 'auditor', regulator: 'WatchdogMSP' });
    expect(membershipOf('NewcomerMSP', registry)).to.equal(undefined);
  });

  it('waits while the ledger is unreachable or its organisation is not registered yet', async () => {
    let calls = 0;
    const ledger = new FakeLedger().on(Tx.listParticipants, () => {
      calls++;
      if (calls === 1) throw new Error('peer unreachable');
      return calls === 2 ? registry : [...registry, participant('NewcomerMSP', 'INSURER')];
    });
    const membership = await awaitMembership(ledger, 'NewcomerMSP', createLogger('silent'), 1);
    expect(membership).to.include({ kind: 'INSURER', role: 'adjuster' });
    expect(calls).to.equal(3);
  });
});
