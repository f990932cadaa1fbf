import { expect } from 'chai';
import { Tx } from '../../../chaincode/src/api';
import {
  ALL_CALLERS,
  H1,
  H2,
  I1,
  I2,
  REG,
  STRANGER,
  bootstrapped,
  keyEndorsers,
  product,
  refused,
  refusedUnchanged,
  refusesBadInput,
  type BadInput,
} from './support/fixtures';

describe('Products', () => {
  it('insurers publish version 1, recording who and when', async () => {
    const fabric = await bootstrapped();
    const { created, record } = await fabric.invoke(I1, Tx.publishProduct, product());
    expect(created).to.equal(true);
    expect(record).to.include({ productId: 'HUIMIN-2026', version: 1, insurer: I1 });
    expect(record.recordedBy).to.include({ mspId: I1, user: 'adjuster-1' });
    expect(record.recordedBy.at).to.match(/^2026-03-01T08:00:\d\d\.000Z$/);
    expect(fabric.events.at(-1)?.payload).to.deep.equal({
      type: 'ProductPublished',
      parties: [I1],
      refs: [{ productId: 'HUIMIN-2026', version: '1' }],
    });
  });

  it("needs the insurer's peer for any later change of the product's keys", async () => {
    const fabric = await bootstrapped();
    await fabric.invoke(I1, Tx.publishProduct, product());
    await fabric.invoke(I1, Tx.publishProduct, product({ name: 'renamed' }));
    for (const attributes of [
      ['HUIMIN-2026'],
      ['HUIMIN-2026', '0000000001'],
      ['HUIMIN-2026', '0000000002'],
    ]) {
      const type = attributes.length === 1 ? 'product' : 'productVersion';
      expect(keyEndorsers(fabric, type, ...attributes), attributes.join('/')).to.deep.equal([I1]);
    }
  });

  it('every other kind of caller is refused', async () => {
    const fabric = await bootstrapped();
    for (const caller of [H1, H2, REG, STRANGER]) {
      await refusedUnchanged(fabric, () => fabric.invoke(caller, Tx.publishProduct, product()), 'FORBIDDEN');
    }
  });

  it('the same content again writes nothing; other content is a new version; old versions stay readable', async () => {
    const fabric = await bootstrapped();
    await fabric.invoke(I1, Tx.publishProduct, product());
    const before = fabric.snapshot();
    const again = await fabric.invoke(I1, Tx.publishProduct, product({ actor: 'adjuster-2' }));
    expect(again).to.deep.include({ created: false });
    expect(again.record.version).to.equal(1);
    expect(fabric.snapshot()).to.equal(before);

    const v2 = await fabric.invoke(I1, Tx.publishProduct, product({ annualCap: 1000 }));
    expect(v2.record.version).to.equal(2);
    expect((await fabric.query(H1, Tx.getProduct, { productId: 'HUIMIN-2026' })).annualCap).to.equal(1000);
    const v1 = await fabric.query(H1, Tx.getProduct, { productId: 'HUIMIN-2026', version: 1 });
    expect(v1.annualCap).to.equal(300000000);
    await refused(fabric.query(H1, Tx.getProduct, { productId: 'HUIMIN-2026', version: 3 }), 'NOT_FOUND');
  });

  it("another insurer's productId is ID_CONFLICT", async () => {
    const fabric = await bootstrapped();
    await fabric.invoke(I1, Tx.publishProduct, product());
    await refusedUnchanged(fabric, () => fabric.invoke(I2, Tx.publishProduct, product()), 'ID_CONFLICT');
  });

  it('every registered participant reads products; strangers are refused', async () => {
    const fabric = await bootstrapped();
    await fabric.invoke(I1, Tx.publishProduct, product());
    for (const caller of ALL_CALLERS.filter((c) => c !== STRANGER)) {
      expect((await fabric.query(caller, Tx.getProduct, { productId: 'HUIMIN-2026' })).version).to.equal(1);
    }
    await refused(fabric.query(STRANGER, Tx.getProduct, { productId: 'HUIMIN-2026' }), 'FORBIDDEN');
    await refused(fabric.query(H1, Tx.getProduct, { productId: 'NONE' }), 'NOT_FOUND');
  });

  const benefit = { category: 'INNOVATIVE_DRUG', deductible: 0, ratioBps: 7000 };
  const badProducts: BadInput[] = [
    ['fractional annual cap', { annualCap: 1.5 }, 'annualCap'],
    ['negative annual cap', { annualCap: -1 }, 'annualCap'],
    ['annual cap over 100,000,000,000 fen', { annualCap: 100000000001 }, 'annualCap'],
    ['unknown category', { benefits: [{ ...benefit, category: 'DENTAL' }] }, 'benefits[0].category'],
    ['category twice', { benefits: [benefit, benefit] }, 'benefits[1].category'],
    ['ratio over 10000 bps', { benefits: [{ ...benefit, ratioBps: 10001 }] }, 'benefits[0].ratioBps'],
    ['no benefits', { benefits: [] }, 'benefits'],
    ['unknown benefit field', { benefits: [{ ...benefit, copay: 1 }] }, 'benefits[0].copay'],
    ['bad productId', { productId: 'a/b' }, 'productId'],
    ['missing name', { name: undefined }, 'name'],
  ];
  refusesBadInput(bootstrapped, I1, Tx.publishProduct, product, badProducts);

  it('refuses a bad version in a read', async () => {
    const fabric = await bootstrapped();
    await refused(
      fabric.query(H1, Tx.getProduct, { productId: 'HUIMIN-2026', version: 0 }),
      'VALIDATION_FAILED',
    );
  });
});
