/** The fake must behave like Fabric where the chaincode depends on it, or the other tests prove little. */
import { expect } from 'chai';
import { Tx } from '../../../../chaincode/src/api';
import { ChaincodeFailure, FakeFabric } from './fake-fabric';
import { H1, I1, REG, bootstrapped, policy, product, refused } from './fixtures';

describe('FakeFabric', () => {
  it('orders composite keys by bytes as the state database does', async () => {
    const fabric = new FakeFabric();
    fabric.state.set('\u0000a\u0000\u{1f600}\u0000', Buffer.from('{}'));
    fabric.state.set('\u0000a\u0000\uffff\u0000', Buffer.from('{}'));
    fabric.state.set('\u0000a\u0000b\u0000', Buffer.from('{}'));
    // UTF-16 would put U+1F600 (a surrogate pair) before U+FFFF; UTF-8 bytes put it after.
    expect(fabric.keysInOrder('\u0000a\u0000', '\u0000a\u0000\u{10ffff}')).to.deep.equal([
      '\u0000a\u0000b\u0000',
      '\u0000a\u0000\uffff\u0000',
      '\u0000a\u0000\u{1f600}\u0000',
    ]);
  });

  it('commits nothing of a transaction that throws', async () => {
    const fabric = await bootstrapped();
    const before = fabric.snapshot();
    await refused(fabric.invoke(I1, Tx.registerPolicy, policy()), 'VALIDATION_FAILED');
    expect(fabric.snapshot()).to.equal(before);
  });

  it('keeps history per key with tx ids and timestamps, and only the last event of each transaction', async () => {
    const fabric = await bootstrapped();
    await fabric.invoke(I1, Tx.publishProduct, product());
    await fabric.invoke(I1, Tx.publishProduct, product({ annualCap: 5 }));
    const latestKey = [...fabric.history.keys()].find((k) => k.startsWith('\u0000product\u0000'))!;
    const versions = fabric.history.get(latestKey)!;
    expect(versions.map((v) => v.txId)).to.deep.equal(fabric.events.slice(-2).map((e) => e.txId));
    expect(versions[0].timestamp.seconds).to.be.lessThan(versions[1].timestamp.seconds);
  });

  it('evaluating discards writes', async () => {
    const fabric = await bootstrapped();
    const before = fabric.snapshot();
    await fabric.query(H1, Tx.ping, {});
    expect(fabric.snapshot()).to.equal(before);
  });

  it('runs only declared transactions, and passes non-chaincode errors through', async () => {
    const fabric = new FakeFabric();
    for (const tx of ['Participants:checkRegistrar', 'Nope:get', 'Participants:constructor']) {
      try {
        await fabric.run(REG, tx, '{}', true);
        expect.fail(`${tx} ran`);
      } catch (error) {
        expect(error).not.to.be.instanceOf(ChaincodeFailure);
        expect((error as Error).message).to.contain('is not a transaction');
      }
    }
  });
});
