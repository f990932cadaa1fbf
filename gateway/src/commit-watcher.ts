/**
 * Commit notification from one stream of filtered blocks. fabric-network 2.2's commit strategies share one
 * event service per peer, and fabric-common leaves such a service marked in use when it fails to reconnect
 * while the peer is down: every later commit listener then attaches to a dead stream and waits out the whole
 * commit timeout. The realtime block listener instead builds a new event service on every reconnect and resumes
 * from the last block it saw, so no commit is missed across a peer restart. It listens to this organisation's
 * own peers, as MSPID_SCOPE_ANYFORTX does.
 */
import {
  BlockEvent,
  BlockListener,
  Network,
  TimeoutError,
  TxEventHandler,
  TxEventHandlerFactory,
} from 'fabric-network';
import type { CommitTimes } from './commit-times';

/** A committed transaction that the peers marked invalid; `transactionCode` is its validation code. */
export class CommitInvalid extends Error {
  constructor(
    readonly transactionId: string,
    readonly transactionCode: string,
  ) {
    super(`transaction ${transactionId} committed with status ${transactionCode}`);
  }
}

type Waiter = (validationCode: string) => void;

export class CommitWatcher {
  private readonly waiters = new Map<string, Waiter>();
  /** The stream opens on the peer's newest block, committed before anyone watched: its time is unknown. */
  private seenFirst = false;
  private readonly listener: BlockListener = async (block: BlockEvent) => {
    const at = new Date();
    for (const tx of block.getTransactionEvents()) this.waiters.get(tx.transactionId)?.(tx.status);
    if (this.seenFirst) this.times.record(Number(block.blockNumber.toString()), at);
    this.seenFirst = true;
  };

  private constructor(
    private readonly network: Network,
    /** Where the time each block arrives is kept. */
    readonly times: CommitTimes,
  ) {}

  /** Starts listening; a peer that is down now is retried in the background by fabric-network. */
  static async start(network: Network, times: CommitTimes): Promise<CommitWatcher> {
    const watcher = new CommitWatcher(network, times);
    await network.addBlockListener(watcher.listener, { type: 'filtered' });
    return watcher;
  }

  /**
   * Commit handlers for Transaction.setEventHandler: listening starts before the broadcast, so the block that
   * holds the transaction cannot pass unseen; no block within `timeoutSeconds` is a TimeoutError (the outcome
   * is unknown), an invalid transaction a CommitInvalid.
   */
  handlers(timeoutSeconds: number): TxEventHandlerFactory {
    return (txId: string): TxEventHandler => {
      let settle: Waiter = () => undefined;
      const committed = new Promise<string>((resolve) => (settle = resolve));
      let timer: NodeJS.Timeout | undefined;
      const stop = (): void => {
        clearTimeout(timer);
        if (this.waiters.get(txId) === settle) this.waiters.delete(txId);
      };
      return {
        startListening: async () => {
          this.waiters.set(txId, settle);
        },
        waitForEvents: async () => {
          const timedOut = new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              const message = `no commit of ${txId} seen within ${timeoutSeconds} s`;
              reject(new TimeoutError({ message, transactionId: txId }));
            }, timeoutSeconds * 1000);
          });
          try {
            const code = await Promise.race([committed, timedOut]);
            if (code !== 'VALID') throw new CommitInvalid(txId, code);
          } finally {
            stop();
          }
        },
        cancelListening: stop,
      };
    };
  }

  /** Transactions waiting for their commit. */
  get pending(): number {
    return this.waiters.size;
  }

  close(): void {
    this.network.removeBlockListener(this.listener);
    this.waiters.clear();
  }
}
