/**
 * A minimal write, for benchmarks: what one transaction on this network costs without business logic. Only a
 * benchmark network deploys it (index.ts), so a production channel carries no write that serves no user.
 */
import { Transaction } from 'fabric-contract-api';
import { EventName } from '../api';
import { canonicalJson } from '../canonical';
import { LedgerContext, LedgerContract } from '../context';
import { KeyType } from '../ledger';
import * as requests from '../schemas';

export class PerfContract extends LedgerContract {
  constructor() {
    super('Perf');
  }

  /** A blind write (no read of the key), so concurrent pings never conflict. */
  @Transaction()
  async ping(ctx: LedgerContext): Promise<string> {
    const { ledger } = ctx;
    const caller = await ctx.caller();
    ctx.request(requests.ping);
    await ledger.put(ledger.key(KeyType.ping, caller.mspId), { txId: ledger.txId, at: ledger.txTime });
    // Like every write, it emits one event: the ceiling it measures includes that cost.
    ledger.emit({ type: EventName.Pinged, parties: [caller.mspId], refs: [{ mspId: caller.mspId }] });
    return canonicalJson({ txId: ledger.txId });
  }
}
