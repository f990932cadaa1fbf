/**
 * One piece of work at a time per key. Concurrent writes to one hot ledger key from the same gateway would only
 * invalidate each other (MVCC read conflicts) and back off; queuing them here lets each commit on its first try.
 */
export class KeyedQueue {
  /** Per key, the promise that settles when the last holder or waiter lets go. */
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `work` once it holds every key. Keys are taken in sorted order, so two callers with overlapping keys
   * cannot wait on each other; an abort while waiting gives up the place in every queue and rejects with the
   * signal's reason. The keys are let go however `work` ends.
   */
  async run<T>(keys: readonly string[], work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const releases: (() => void)[] = [];
    try {
      for (const key of [...new Set(keys)].sort()) releases.push(await this.acquire(key, signal));
      return await work();
    } finally {
      for (const release of releases) release();
    }
  }

  /** Number of keys with a holder or a waiter. */
  get size(): number {
    return this.tails.size;
  }

  private async acquire(key: string, signal: AbortSignal | undefined): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => (release = resolve));
    // The next caller waits for this one and, through it, for every earlier one, even if this one gives up.
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    try {
      await untilAborted(previous, signal);
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
async function untilAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  signal.throwIfAborted();
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
