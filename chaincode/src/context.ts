/**
 * What every transaction starts from: its ledger and its caller. Each contract makes this context for each
 * transaction (fabric-contract-api calls createContext per invocation), so a transaction function takes
 * `ctx.ledger` and asks `ctx.caller(...)` instead of building them itself.
 */
import { Context, Contract } from 'fabric-contract-api';
import { requireCaller, type Caller } from './access';
import { Ledger } from './ledger';
import type { ParticipantKind } from './schemas';

export class LedgerContext extends Context {
  private made: Ledger | undefined;

  get ledger(): Ledger {
    this.made ??= new Ledger(this);
    return this.made;
  }

  /** The caller as a registered participant of one of `kinds` (any kind when none is given), else FORBIDDEN. */
  caller(...kinds: ParticipantKind[]): Promise<Caller> {
    return requireCaller(this.ledger, ...kinds);
  }
}

/** The base of every contract: its transactions get a LedgerContext. */
export abstract class LedgerContract extends Contract {
  override createContext(): LedgerContext {
    return new LedgerContext();
  }
}
