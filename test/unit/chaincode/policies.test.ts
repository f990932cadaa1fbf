import { expect } from 'chai';
import { Tx } from '../../../chaincode/src/api';
import type { EndorsementPolicyFailure } from './support/fake-fabric';
import {
  H1,
  H2,
  I1,
  I2,
  PATIENT,
  REG,
  STRANGER,
  bootstrapped,
  privateValue,
  policy,
  product,
  refused,
  refusedUnchanged,
  replayedUnchanged,
  refusesBadInput,
  type BadInput,
} from './support/fixtures';

async function withProduct() {
  const fabric = await bootstrapped();
  await fabric.invoke(I1, Tx.publishProduct, product());
  return fabric;
}

describe('Policies', () => {
  it("the product's insurer registers a policy in its collection, which only its peer may change", async () => {
    const fabric = await withProduct();
    const { created, record } = await fabric.invoke(I1, Tx.registerPolicy, policy());
    expect(created).to.equal(true);
    expect(record).to.include({ policyRef: 'POL-1', insurer: I1, patientRef: PATIENT });
    expect(privateValue(fabric, 'policies_Insurer1MSP', 'policy', I1, 'POL-1')).to.include({
      patientRef: PATIENT,
    });
    expect(privateValue(fabric, 'policies_Insurer1MSP', 'accumulators', I1, 'POL-1')).to.include({
      insurer: I1,
    });
    // Nothing of it in the public state, nor its reference in the event.
    expect([...fabric.state.keys()].join()).to.not.contain('POL-1');
    expect(fabric.events.at(-1)?.payload).to.deep.equal({
      type: 'PolicyRegistered',
      parties: [I1],
      refs: [],
    });
    const without = await fabric
      .invokeEndorsedBy([H1, REG], I1, Tx.registerPolicy, policy({ policyRef: 'POL-2' }))
      .catch((error: EndorsementPolicyFailure) => error.transactionCode);
    expect(without).to.equal('ENDORSEMENT_POLICY_FAILURE');
  });

  it('hospitals, regulators and strangers may not register policies', async () => {
    const fabric = await withProduct();
    for (const caller of [H1, H2, REG, STRANGER]) {
      await refusedUnchanged(fabric, () => fabric.invoke(caller, Tx.registerPolicy, policy()), 'FORBIDDEN');
    }
  });

  it("an insurer may not register a policy on another insurer's product", async () => {
    const fabric = await withProduct();
    await refusedUnchanged(fabric, () => fabric.invoke(I2, Tx.registerPolicy, policy()), 'FORBIDDEN');
  });

  it('is idempotent by policyRef', async () => {
    const fabric = await withProduct();
    await fabric.invoke(I1, Tx.registerPolicy, policy());
    await replayedUnchanged(fabric, () => fabric.invoke(I1, Tx.registerPolicy, policy({ actor: 'other' })));
    await refusedUnchanged(
      fabric,
      () => fabric.invoke(I1, Tx.registerPolicy, policy({ validTo: '2026-06-30' })),
      'ID_CONFLICT',
    );
  });

  it("is the insurer's own reference: another insurer's same policyRef is another policy, not a conflict", async () => {
    const fabric = await withProduct();
    await fabric.invoke(I2, Tx.publishProduct, product({ productId: 'OTHER-2026' }));
    await fabric.invoke(I1, Tx.registerPolicy, policy());
    const other = await fabric.invoke(I2, Tx.registerPolicy, policy({ productId: 'OTHER-2026' }));
    expect(other.created).to.equal(true);
    expect((await fabric.query(I1, Tx.getPolicy, { policyRef: 'POL-1' })).productId).to.equal('HUIMIN-2026');
    expect((await fabric.query(I2, Tx.getPolicy, { policyRef: 'POL-1' })).productId).to.equal('OTHER-2026');
    const ofInsurer2 = { policyRef: 'POL-1', insurer: I2 };
    expect((await fabric.query(REG, Tx.getPolicy, ofInsurer2)).productId).to.equal('OTHER-2026');
  });

  const bad: BadInput[] = [
    ['an unknown product', { productId: 'NONE' }, 'productId'],
    ['validTo before validFrom', { validFrom: '2026-12-31', validTo: '2026-01-01' }, 'validFrom'],
    ['a date that does not exist', { validTo: '2026-02-30' }, 'validTo'],
    ['a raw identity number as patientRef', { patientRef: '110101199003077777' }, 'patientRef'],
    ['an uppercase hex patientRef', { patientRef: PATIENT.toUpperCase() }, 'patientRef'],
  ];
  refusesBadInput(withProduct, I1, Tx.registerPolicy, policy, bad);

  it('only its insurer and regulators read a policy; others get NOT_FOUND', async () => {
    const fabric = await withProduct();
    await fabric.invoke(I1, Tx.registerPolicy, policy());
    const lookup = { policyRef: 'POL-1', insurer: I1 };
    for (const caller of [I1, REG]) {
      expect((await fabric.query(caller, Tx.getPolicy, lookup)).policyRef).to.equal('POL-1');
    }
    expect((await fabric.query(I1, Tx.getPolicy, { policyRef: 'POL-1' })).insurer).to.equal(I1);
    // An auditor names the insurer whose reference it is.
    await refused(fabric.query(REG, Tx.getPolicy, { policyRef: 'POL-1' }), 'VALIDATION_FAILED');
    for (const caller of [H1, H2, I2]) {
      await refused(fabric.query(caller, Tx.getPolicy, lookup), 'NOT_FOUND');
      await refused(fabric.query(caller, Tx.getPolicy, { policyRef: 'POL-1' }), 'NOT_FOUND');
    }
    await refused(fabric.query(STRANGER, Tx.getPolicy, lookup), 'FORBIDDEN');
    await refused(fabric.query(REG, Tx.getPolicy, { policyRef: 'NONE', insurer: I1 }), 'NOT_FOUND');
  });
});
