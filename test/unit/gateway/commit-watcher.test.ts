import { expect } from 'chai';
import { TimeoutError } from 'fabric-network';
import type { BlockEvent, BlockListener, ListenerOptions, Network } from 'fabric-network';
import { CommitInvalid, CommitWatcher } from '../../../gateway/src/commit-watcher';

/** A network whose realtime block stream the test drives. */
function fakeNetwork() {
  const listeners = new Set<BlockListener>();
  const options: (ListenerOptions | undefined)[] = [];
  const network = {
    addBlockListener: async (listener: BlockListener, listenerOptions?: ListenerOptions) => {
      listeners.add(listener);
      options.push(listenerOptions);
      return listener;
    },
    removeBlockListener: (listener: BlockListener) => listeners.delete(listener),
  } as unknown as Network;
  const block = async (...txs: [string, string][]) => {
    const event = {
      getTransactionEvents: () => txs.map(([transactionId, status]) => ({ transactionId, status })),
    } as unknown as BlockEvent;
    for (const listener of listeners) await listener(event);
  };
  return { network, listeners, options, block };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** A watcher on a fake network, and the commit handler of transaction tx-a, already listening. */
async function listeningFor(timeoutSeconds = 5) {
  const fake = fakeNetwork();
  const watcher = await CommitWatcher.start(fake.network);
  const handler = watcher.handlers(timeoutSeconds)('tx-a', fake.network);
  await handler.startListening();
  return { fake, watcher, handler };
}

describe('gateway commit watcher', () => {
  it('listens to filtered blocks and lets go of them when closed', async () => {
    const fake = fakeNetwork();
    const watcher = await CommitWatcher.start(fake.network);
    expect(fake.options).to.deep.equal([{ type: 'filtered' }]);
    watcher.close();
    expect(fake.listeners.size).to.equal(0);
  });

  it('resolves a transaction when a block holds it as valid, whatever else the block holds', async () => {
    const { fake, handler } = await listeningFor();
    const waiting = handler.waitForEvents();
    await fake.block(['tx-other', 'MVCC_READ_CONFLICT'], ['tx-a', 'VALID']);
    await waiting;
  });

  it('sees a block that arrives between the broadcast and the wait', async () => {
    const { fake, watcher, handler } = await listeningFor();
    await fake.block(['tx-a', 'VALID']);
    await handler.waitForEvents();
    expect(watcher.pending).to.equal(0);
  });

  it('rejects with the validation code of an invalid transaction', async () => {
    const { fake, handler } = await listeningFor();
    const waiting = failure(handler.waitForEvents());
    await fake.block(['tx-a', 'MVCC_READ_CONFLICT']);
    const error = await waiting;
    expect(error).to.be.instanceOf(CommitInvalid);
    expect(error).to.include({ transactionId: 'tx-a', transactionCode: 'MVCC_READ_CONFLICT' });
  });

  it('times out with a TimeoutError when no block holds the transaction, and forgets it', async () => {
    const { fake, watcher, handler } = await listeningFor(1);
    await fake.block(['tx-b', 'VALID']);
    const started = Date.now();
    const error = await failure(handler.waitForEvents());
    expect(Date.now() - started).to.be.within(900, 1500);
    expect(error).to.be.instanceOf(TimeoutError);
    expect(watcher.pending).to.equal(0);
  });

  it('forgets a transaction whose broadcast failed', async () => {
    const { watcher, handler } = await listeningFor();
    expect(watcher.pending).to.equal(1);
    handler.cancelListening();
    expect(watcher.pending).to.equal(0);
  });
});
