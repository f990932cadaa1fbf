/** A minimal write, for benchmarks: what one transaction on this network costs without business logic. */
import { Context, Contract, Transaction } from 'fabric-contract-api';
import { EventName, TEXT_MAX_LENGTH } from '../api';
import { requireCaller } from '../access';
import { canonicalJson } from '../canonical';
import { KeyType, Ledger } from '../ledger';
import { object, optional, parseRequest, text } from '../validation';

export class PerfContract extends Contract {
  constructor() {
    super('Perf');
  }

  /** A blind write (no read of the key), so concurrent pings never conflict. */
  @Transaction()
  async ping(ctx: Context, request: string): Promise<string> {
    const ledger = new Ledger(ctx);
    const caller = await requireCaller(ledger);
    parseRequest(request, object({ actor: optional(text(TEXT_MAX_LENGTH.actor)) }));
    await ledger.put(ledger.key(KeyType.ping, caller.mspId), { txId: ledger.txId, at: ledger.txTime });
    // Like every write, it emits one event: the ceiling it measures includes that cost.
    ledger.emit({ type: EventName.Pinged, parties: [caller.mspId], refs: [{ mspId: caller.mspId }] });
    return canonicalJson({ txId: ledger.txId });
  }
}
