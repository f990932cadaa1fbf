import { expect } from 'chai';
import { Tx, type Product } from '../../../chaincode/src/api';
import { MAX_PAGE_SIZE } from '../../../chaincode/src/schemas';
import type { FakeFabric } from './support/fake-fabric';
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

  describe('list', () => {
    /** I1's HUIMIN-2026 in two versions and A-BASIC, I2's PREMIUM: published out of productId order. */
    async function catalogue(): Promise<FakeFabric> {
      const fabric = await bootstrapped();
      await fabric.invoke(I1, Tx.publishProduct, product());
      await fabric.invoke(I2, Tx.publishProduct, product({ productId: 'PREMIUM' }));
      await fabric.invoke(I1, Tx.publishProduct, product({ productId: 'A-BASIC' }));
      await fabric.invoke(I1, Tx.publishProduct, product({ name: 'renamed' }));
      return fabric;
    }
    const ids = (items: Product[]) => items.map((p) => `${p.productId}@${p.version}`);

    it("lists every product's latest version in productId order to every registered participant", async () => {
      const fabric = await catalogue();
      for (const caller of ALL_CALLERS.filter((c) => c !== STRANGER)) {
        const page = await fabric.query(caller, Tx.listProducts, {});
        expect(ids(page.items), caller).to.deep.equal(['A-BASIC@1', 'HUIMIN-2026@2', 'PREMIUM@1']);
        expect(page.bookmark).to.equal('');
      }
      const latest = await fabric.query(H1, Tx.getProduct, { productId: 'HUIMIN-2026' });
      expect((await fabric.query(H1, Tx.listProducts, {})).items[1]).to.deep.equal(latest);
      await refused(fabric.query(STRANGER, Tx.listProducts, {}), 'FORBIDDEN');
    });

    it("filters one insurer's products; an empty catalogue lists nothing with an empty bookmark", async () => {
      const fabric = await catalogue();
      const of = async (insurer: string) => ids((await fabric.query(H2, Tx.listProducts, { insurer })).items);
      expect(await of(I1)).to.deep.equal(['A-BASIC@1', 'HUIMIN-2026@2']);
      expect(await of(I2)).to.deep.equal(['PREMIUM@1']);
      expect(await of(H1)).to.deep.equal([]);
      const empty = await bootstrapped();
      expect(await empty.query(REG, Tx.listProducts, {})).to.deep.equal({ items: [], bookmark: '' });
    });

    it('pages with bookmarks, filtered or not, until the bookmark is empty', async () => {
      const fabric = await catalogue();
      // A full page's bookmark is the next key, whether it matches or not: a filtered list may end empty.
      for (const [filter, pages] of [
        [{ limit: 2 }, [['A-BASIC@1', 'HUIMIN-2026@2'], ['PREMIUM@1']]],
        [{ insurer: I1, limit: 1 }, [['A-BASIC@1'], ['HUIMIN-2026@2'], []]],
      ] as const) {
        const seen: string[][] = [];
        let bookmark = '';
        do {
          const page = await fabric.query(I2, Tx.listProducts, { ...filter, bookmark });
          seen.push(ids(page.items));
          bookmark = page.bookmark;
        } while (bookmark !== '');
        expect(seen, JSON.stringify(filter)).to.deep.equal(pages);
      }
    });

    it("refuses a bookmark from another list's range", async () => {
      const fabric = await catalogue();
      const bookmark = '\u0000settlement\u0000Hospital1MSP\u0000S-1\u0000';
      await refused(fabric.query(H1, Tx.listProducts, { bookmark }), 'VALIDATION_FAILED');
    });

    refusesBadInput(bootstrapped, H1, Tx.listProducts, () => ({}), [
      ['a limit of 0', { limit: 0 }, 'limit'],
      ['a limit over the page size', { limit: MAX_PAGE_SIZE + 1 }, 'limit'],
      ['a bad insurer', { insurer: 'a/b' }, 'insurer'],
      ['a bookmark that is not text', { bookmark: 5 }, 'bookmark'],
      ['an unknown filter', { hospital: H1 }, 'hospital'],
    ]);
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
    ['a name with a right-to-left override', { name: 'Hui Min \u202eoaB' }, 'name'],
    ['a name with a zero-width space', { name: 'Hui\u200bMin' }, 'name'],
    ['an actor with a bidirectional isolate', { actor: 'adjuster\u20661' }, 'actor'],
    ['an actor with a zero-width joiner', { actor: 'adj\u200duster' }, 'actor'],
    ['an actor with a look-alike letter', { actor: '\u0430djuster' }, 'actor'],
    ['an actor that is a name and an identity number', { actor: 'Zhang San 11010519900101123X' }, 'actor'],
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
