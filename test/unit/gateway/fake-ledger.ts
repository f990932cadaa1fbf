/**
 * An in-memory LedgerClient for the gateway's unit tests: each transaction name answers through a handler the
 * test sets, every call is recorded, and events are pushed by the test.
 */
import type { PeerView } from '@settlement/evidence';
import type { TxName } from '@settlement/chaincode/dist/api';
import type { ChaincodeErrorBody } from '@settlement/chaincode/dist/api';
import { fromChaincodeError, parseChaincodeError } from '../../../gateway/src/errors';
import type {
  LedgerClient,
  LedgerEventRecord,
  SubmitOptions,
  TransactionInfo,
} from '../../../gateway/src/ledger';

export interface LedgerCall {
  kind: 'evaluate' | 'submit';
  tx: TxName;
  request: Record<string, unknown>;
  options?: SubmitOptions;
}

type Handler = (request: Record<string, unknown>) => unknown;

/** The error the real client raises for a chaincode failure, built the same way: from the peer's JSON message. */
export function chaincodeFailure(
  code: ChaincodeErrorBody['code'],
  message = `chaincode says ${code}`,
): Error {
  const body = parseChaincodeError(`transaction returned with failure: ${JSON.stringify({ code, message })}`);
  if (!body) throw new Error('unparseable chaincode error');
  return fromChaincodeError(body);
}

export class FakeLedger implements LedgerClient {
  readonly calls: LedgerCall[] = [];
  readonly handlers = new Map<TxName, Handler>();
  readonly transactions = new Map<string, TransactionInfo>();
  height: number | Error = 7;
  peerOrgs = ['Hospital1MSP', 'Hospital2MSP', 'Insurer1MSP', 'Insurer2MSP', 'RegulatorMSP'];
  private listener: ((record: LedgerEventRecord) => void) | undefined;
  private readonly events: LedgerEventRecord[] = [];
  subscribedFrom: number | undefined;
  subscribeFailure: Error | undefined;
  subscriptions = 0;
  closed = false;
  private txCounter = 0;

  on(tx: TxName, handler: Handler): this {
    this.handlers.set(tx, handler);
    return this;
  }

  private async run(call: LedgerCall): Promise<unknown> {
    this.calls.push(call);
    const handler = this.handlers.get(call.tx);
    if (!handler) throw new Error(`FakeLedger: no handler for ${call.tx}`);
    return handler(call.request);
  }

  async evaluate<T>(tx: TxName, request: object): Promise<T> {
    return (await this.run({ kind: 'evaluate', tx, request: request as Record<string, unknown> })) as T;
  }

  async submit<T>(
    tx: TxName,
    request: object,
    options?: SubmitOptions,
  ): Promise<{ result: T; txId: string }> {
    const result = (await this.run({
      kind: 'submit',
      tx,
      request: request as Record<string, unknown>,
      options,
    })) as T;
    this.txCounter += 1;
    return { result, txId: this.txCounter.toString(16).padStart(64, '0') };
  }

  async blockHeight(): Promise<number> {
    if (this.height instanceof Error) throw this.height;
    return this.height;
  }

  peerOrganisations(): string[] {
    return this.peerOrgs;
  }

  rediscoveries = 0;

  async rediscover(): Promise<void> {
    this.rediscoveries += 1;
  }

  channelOrganisations(): string[] {
    return [...this.peerOrgs, 'OrdererMSP'].sort();
  }

  async transaction(txId: string): Promise<TransactionInfo | undefined> {
    return this.transactions.get(txId);
  }

  /** Blocks as a peer stores them, by number; and which block holds which transaction. */
  readonly blocks: Buffer[] = [];
  readonly blockOf = new Map<string, number>();
  peerViews: PeerView[] = [];

  async block(number: number): Promise<Buffer> {
    const block = this.blocks[number];
    if (!block) throw new Error(`FakeLedger: no block ${number}`);
    return block;
  }

  async blockOfTransaction(txId: string): Promise<Buffer | undefined> {
    const number = this.blockOf.get(txId);
    return number === undefined ? undefined : this.block(number);
  }

  async peerChainViews(): Promise<PeerView[]> {
    return this.peerViews;
  }

  /**
   * Like the SDK's listener: replays the events committed from fromBlock on, then follows. The SDK replays after
   * it resolves; replaying before keeps the tests deterministic, and the hub must cope with either.
   */
  async subscribe(fromBlock: number, onEvent: (record: LedgerEventRecord) => void): Promise<() => void> {
    if (this.subscribeFailure) throw this.subscribeFailure;
    this.subscriptions += 1;
    this.subscribedFrom = fromBlock;
    for (const record of this.events) if (record.blockNumber >= fromBlock) onEvent(record);
    this.listener = onEvent;
    return () => {
      this.listener = undefined;
    };
  }

  get subscribed(): boolean {
    return this.listener !== undefined;
  }

  /** Commits an event: kept for later subscribers and sent to the current one. */
  emit(record: LedgerEventRecord): void {
    this.events.push(record);
    this.listener?.(record);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  submits(): LedgerCall[] {
    return this.calls.filter((c) => c.kind === 'submit');
  }
}
