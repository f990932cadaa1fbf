import { expect } from 'chai';
import { KeyedQueue } from '../../../gateway/src/keyed-queue';

/** A promise the test settles, to hold a key for as long as it wants. */
function deferred() {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((res) => (resolve = res));
  return { promise, resolve };
}
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('gateway keyed queue', () => {
  it('runs work on one key one at a time, in arrival order', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const runs = gates.map((gate, i) =>
      queue.run(['k'], async () => {
        log.push(`start ${i}`);
        await gate.promise;
        log.push(`end ${i}`);
        return i;
      }),
    );
    await settled();
    expect(log).to.deep.equal(['start 0']);
    gates[2].resolve();
    gates[1].resolve();
    await settled();
    expect(log).to.deep.equal(['start 0']);
    gates[0].resolve();
    expect(await Promise.all(runs)).to.deep.equal([0, 1, 2]);
    expect(log).to.deep.equal(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    expect(queue.size).to.equal(0);
  });

  it('lets work on other keys run at once', async () => {
    const queue = new KeyedQueue();
    const held = deferred();
    const holder = queue.run(['a'], () => held.promise);
    expect(await queue.run(['b'], async () => 'b')).to.equal('b');
    held.resolve();
    await holder;
  });

  it('takes overlapping key sets in sorted order, so they cannot deadlock', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const work = (name: string) => async () => {
      log.push(name);
      await settled();
    };
    // In given order, the first would hold a and wait for b while the second held b and waited for a.
    await Promise.all([queue.run(['a', 'b'], work('ab')), queue.run(['b', 'a', 'b'], work('ba'))]);
    expect(log).to.deep.equal(['ab', 'ba']);
    expect(queue.size).to.equal(0);
  });

  it('releases the keys when the work fails', async () => {
    const queue = new KeyedQueue();
    const failing = queue.run(['k'], async () => {
      throw new Error('endorsement failed');
    });
    const next = queue.run(['k'], async () => 'next');
    await failing.catch((error: Error) => expect(error.message).to.equal('endorsement failed'));
    expect(await next).to.equal('next');
    // The queue forgets a key a moment after its last holder lets go.
    await settled();
    expect(queue.size).to.equal(0);
  });

  it('gives up the place of an aborted waiter, keeping those behind it in line', async () => {
    const queue = new KeyedQueue();
    const held = deferred();
    const log: string[] = [];
    const holder = queue.run(['k'], () => held.promise);
    const abort = new AbortController();
    const quitter = queue.run(['k'], async () => log.push('quitter'), abort.signal);
    const patient = queue.run(['k'], async () => log.push('patient'));
    abort.abort(new Error('deadline'));
    const reason = await quitter.then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(reason).to.equal('deadline');
    await settled();
    // The patient waiter still waits for the holder, not for the one that left.
    expect(log).to.deep.equal([]);
    held.resolve();
    await Promise.all([holder, patient]);
    expect(log).to.deep.equal(['patient']);
    expect(queue.size).to.equal(0);
  });

  it('refuses at once with a signal that has already aborted, holding nothing', async () => {
    const queue = new KeyedQueue();
    const abort = new AbortController();
    abort.abort(new Error('too late'));
    const outcome = await queue
      .run(['a', 'b'], async () => 'ran', abort.signal)
      .catch((e: Error) => e.message);
    expect(outcome).to.equal('too late');
    expect(await queue.run(['a'], async () => 'free')).to.equal('free');
  });
});
