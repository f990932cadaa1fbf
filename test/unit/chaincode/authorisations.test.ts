import { expect } from 'chai';
import { Tx } from '../../../chaincode/src/api';
import type { EndorsementPolicyFailure } from './support/fake-fabric';
import {
  H1,
  H2,
  I1,
  I2,
  REG,
  STRANGER,
  authorisation,
  PATIENT,
  serving,
  keyEndorsers,
  privateKeyEndorsers,
  refused,
  refusedUnchanged,
  replayedUnchanged,
  refusesBadInput,
  type BadInput,
} from './support/fixtures';

const POLICIES_I1 = 'policies_Insurer1MSP';
const revoke = { actor: 'clerk-1', authorisationId: 'AUTH-1', reason: 'patient withdrew consent' };

describe('Authorisations', () => {
  it('hospitals and the insurer itself record them; regulators and strangers may not', async () => {
    const fabric = await serving();
    const recorded = await fabric.invoke(H1, Tx.recordAuthorisation, authorisation());
    expect(recorded.created).to.equal(true);
    expect(recorded.record.recordedBy.mspId).to.equal(H1);
    expect(fabric.events.at(-1)?.payload).to.deep.equal({
      type: 'AuthorisationRecorded',
      parties: [H1, I1],
      refs: [{ authorisationId: 'AUTH-1' }],
    });
    expect(
      (await fabric.invoke(I1, Tx.recordAuthorisation, authorisation({ authorisationId: 'AUTH-2' }))).created,
    ).to.equal(true);
    for (const caller of [REG, STRANGER]) {
      await refusedUnchanged(
        fabric,
        () => fabric.invoke(caller, Tx.recordAuthorisation, authorisation({ authorisationId: 'AUTH-3' })),
        'FORBIDDEN',
      );
    }
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(I2, Tx.recordAuthorisation, authorisation({ authorisationId: 'AUTH-3' })),
      'FORBIDDEN',
    );
  });

  it("needs the recorder's and the insurer's peers for any later change, consent index included", async () => {
    const fabric = await serving();
    await fabric.invoke(H1, Tx.recordAuthorisation, authorisation());
    await fabric.invoke(I1, Tx.recordAuthorisation, authorisation({ authorisationId: 'AUTH-2' }));
    expect(keyEndorsers(fabric, 'authorisation', H1, 'AUTH-1')).to.deep.equal([H1, I1]);
    expect(privateKeyEndorsers(fabric, POLICIES_I1, 'authorisation', H1, 'AUTH-1')).to.deep.equal([H1, I1]);
    expect(keyEndorsers(fabric, 'authorisation', I1, 'AUTH-2')).to.deep.equal([I1]);
    expect(privateKeyEndorsers(fabric, POLICIES_I1, 'authorisation', I1, 'AUTH-2')).to.deep.equal([I1]);
    // The patient's consent terms, which any recorder's authorisation adds to, need the insurer's peer.
    expect(privateKeyEndorsers(fabric, POLICIES_I1, 'consents', I1, PATIENT)).to.equal(undefined);
    const withoutInsurer = await fabric
      .invokeEndorsedBy([H1, H2], H1, Tx.recordAuthorisation, authorisation({ authorisationId: 'AUTH-9' }))
      .catch((error: EndorsementPolicyFailure) => error.transactionCode);
    expect(withoutInsurer).to.equal('ENDORSEMENT_POLICY_FAILURE');
  });

  it("is idempotent by id within its recorder's ids; another organisation's same id is its own record", async () => {
    const fabric = await serving();
    await fabric.invoke(H1, Tx.recordAuthorisation, authorisation());
    await replayedUnchanged(fabric, () =>
      fabric.invoke(H1, Tx.recordAuthorisation, authorisation({ actor: 'x' })),
    );
    // Neither a collision nor a sign that Hospital1 uses the id.
    const other = await fabric.invoke(H2, Tx.recordAuthorisation, authorisation({ validTo: '2026-06-30' }));
    expect(other.created).to.equal(true);
    const read = (org: string) =>
      fabric.query(org, Tx.getAuthorisation, { authorisationId: 'AUTH-1', recordedBy: org });
    expect((await read(H1)).validTo).to.not.equal('2026-06-30');
    expect((await read(H2)).validTo).to.equal('2026-06-30');
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(H1, Tx.recordAuthorisation, authorisation({ validTo: '2026-06-30' })),
      'ID_CONFLICT',
    );
  });

  const bad: BadInput[] = [
    ['an insurer that is not registered as one', { insurer: H2 }, 'insurer'],
    ['another purpose', { purpose: 'MARKETING' }, 'purpose'],
    ['a short evidence hash', { evidenceHash: 'abc' }, 'evidenceHash'],
    ['validTo before validFrom', { validFrom: '2026-05-01', validTo: '2026-04-30' }, 'validFrom'],
    ['an unknown field', { idNumber: '110101199003077777' }, 'idNumber'],
  ];
  refusesBadInput(serving, H1, Tx.recordAuthorisation, authorisation, bad);

  it('the recorder and the insurer revoke; revoking again writes nothing, for another reason ID_CONFLICT', async () => {
    const fabric = await serving();
    await fabric.invoke(H1, Tx.recordAuthorisation, authorisation());
    await fabric.invoke(H1, Tx.recordAuthorisation, authorisation({ authorisationId: 'AUTH-2' }));
    const first = await fabric.invoke(H1, Tx.revokeAuthorisation, revoke);
    expect(first.created).to.equal(true);
    expect(first.record.revokedAt).to.equal(first.record.revocation?.by.at);
    expect(first.record.revocation).to.deep.include({ reason: revoke.reason });
    // The insurer names the hospital whose record it revokes; its own ids are another space.
    const byInsurer = { ...revoke, recordedBy: H1 };
    await replayedUnchanged(fabric, () => fabric.invoke(I1, Tx.revokeAuthorisation, byInsurer));
    await refusedUnchanged(fabric, () => fabric.invoke(I1, Tx.revokeAuthorisation, revoke), 'NOT_FOUND');
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(I1, Tx.revokeAuthorisation, { ...byInsurer, reason: 'another reason' }),
      'ID_CONFLICT',
    );
    expect(
      (await fabric.invoke(I1, Tx.revokeAuthorisation, { ...byInsurer, authorisationId: 'AUTH-2' })).created,
    ).to.equal(true);
  });

  it('others may not revoke: outsiders get NOT_FOUND, regulators and strangers FORBIDDEN', async () => {
    const fabric = await serving();
    await fabric.invoke(H1, Tx.recordAuthorisation, authorisation());
    for (const caller of [H2, I2]) {
      await refusedUnchanged(
        fabric,
        () => fabric.invoke(caller, Tx.revokeAuthorisation, { ...revoke, recordedBy: H1 }),
        'NOT_FOUND',
      );
    }
    for (const caller of [REG, STRANGER]) {
      await refusedUnchanged(
        fabric,
        () => fabric.invoke(caller, Tx.revokeAuthorisation, { ...revoke, recordedBy: H1 }),
        'FORBIDDEN',
      );
    }
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(H1, Tx.revokeAuthorisation, { ...revoke, reason: '' }),
      'VALIDATION_FAILED',
    );
  });

  it('the recorder, the insurer and regulators read it; others get NOT_FOUND', async () => {
    const fabric = await serving();
    await fabric.invoke(H1, Tx.recordAuthorisation, authorisation());
    const lookup = { authorisationId: 'AUTH-1', recordedBy: H1 };
    for (const caller of [H1, I1, REG]) {
      expect((await fabric.query(caller, Tx.getAuthorisation, lookup)).insurer).to.equal(I1);
    }
    // The recorder reads its own ids without naming itself; an auditor must name the recorder.
    expect((await fabric.query(H1, Tx.getAuthorisation, { authorisationId: 'AUTH-1' })).insurer).to.equal(I1);
    await refused(fabric.query(REG, Tx.getAuthorisation, { authorisationId: 'AUTH-1' }), 'VALIDATION_FAILED');
    for (const caller of [H2, I2]) {
      await refused(fabric.query(caller, Tx.getAuthorisation, lookup), 'NOT_FOUND');
      await refused(fabric.query(caller, Tx.getAuthorisation, { authorisationId: 'AUTH-1' }), 'NOT_FOUND');
    }
    await refused(fabric.query(STRANGER, Tx.getAuthorisation, lookup), 'FORBIDDEN');
  });
});
