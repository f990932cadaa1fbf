import { expect } from 'chai';
import { TimeoutError } from 'fabric-network';
import type { BlockEvent, BlockListener, ListenerOptions, Network } from 'fabric-network';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommitTimes } from '../../../gateway/src/commit-times';
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
  let height = 0;
  const block = async (...txs: [string, string][]) => {
    const number = height++;
    const event = {
      blockNumber: { toString: () => String(number) },
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
  const watcher = await CommitWatcher.start(fake.network, new CommitTimes());
  const handler = watcher.handlers(timeoutSeconds)('tx-a', fake.network);
  await handler.startListening();
  return { fake, watcher, handler };
}

describe('gateway commit watcher', () => {
  it('listens to filtered blocks and lets go of them when closed', async () => {
    const fake = fakeNetwork();
    const watcher = await CommitWatcher.start(fake.network, new CommitTimes());
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

  it('keeps the time each block was first seen, across a restart when given a file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'commit-times-')), 'times.log');
    const fake = fakeNetwork();
    const watcher = await CommitWatcher.start(fake.network, new CommitTimes(file));
    const before = Date.now();
    await fake.block(['tx-a', 'VALID']);
    await fake.block(['tx-b', 'VALID']);
    await fake.block(['tx-c', 'VALID']);
    // The stream opens on the newest block, committed before anyone watched.
    expect(watcher.times.get(0)).to.equal(undefined);
    const first = watcher.times.get(1) as string;
    expect(Date.parse(first)).to.be.within(before, Date.now());
    watcher.times.record(1, new Date('2030-01-01T00:00:00Z'));
    expect(watcher.times.get(1), 'a redelivered block keeps its first time').to.equal(first);
    expect(watcher.times.get(7)).to.equal(undefined);
    // A line cut short by a crash costs only its own block.
    appendFileSync(file, '3 2026-0');
    const reopened = new CommitTimes(file);
    expect(reopened.get(1)).to.equal(first);
    expect(reopened.get(2)).to.equal(watcher.times.get(2));
    expect(reopened.get(3)).to.equal(undefined);
  });

  it('wakes a waiting transaction even when its commit time cannot be kept', async () => {
    const fake = fakeNetwork();
    const unwritable = join(mkdtempSync(join(tmpdir(), 'commit-times-')), 'missing-dir', 'times.log');
    const watcher = await CommitWatcher.start(fake.network, new CommitTimes(unwritable));
    const handler = watcher.handlers(5)('tx-a', fake.network);
    await handler.startListening();
    await fake.block(['tx-old', 'VALID']);
    const waiting = handler.waitForEvents();
    await fake.block(['tx-a', 'VALID']);
    await waiting;
    expect(watcher.times.get(1)).to.be.a('string');
  });
});
