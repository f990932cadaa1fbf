/**
 * What every transaction starts from: its ledger and its caller. Each contract makes this context for each
 * transaction (fabric-contract-api calls createContext per invocation), so a transaction function takes
 * `ctx.ledger` and asks `ctx.caller(...)` instead of building them itself. Before any transaction runs, the
 * proposal's time is held against the peer's clock.
 */
import { Context, Contract } from 'fabric-contract-api';
import type { z } from 'zod';
import { requireCaller, type Caller } from './access';
import { clockSkew } from './errors';
import { Ledger } from './ledger';
import type { ParticipantKind } from './schemas';
import { parseRequest } from './validation';

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

  /** A write's request, from the transient data (see Ledger.request), checked against `schema`. */
  request<S extends z.ZodType>(schema: S): z.output<S> {
    return parseRequest(this.ledger.request, schema);
  }
}

/** How far a proposal's time may be from the peer's clock, in seconds, unless the service is told otherwise. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 300;

/** CHAINCODE_CLOCK_TOLERANCE_SECONDS, a whole number of seconds from 1 to one day; anything else stops the service. */
export function clockToleranceMs(setting: string | undefined): number {
  if (setting === undefined || setting === '') return DEFAULT_CLOCK_TOLERANCE_SECONDS * 1000;
  const seconds = Number(setting);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
    throw new Error(`CHAINCODE_CLOCK_TOLERANCE_SECONDS must be a whole number of seconds from 1 to 86400`);
  }
  return seconds * 1000;
}

const CLOCK_TOLERANCE_MS = clockToleranceMs(process.env.CHAINCODE_CLOCK_TOLERANCE_SECONDS);

/**
 * Refuses a proposal whose time is more than the tolerance from the peer's clock. Every rule that depends on
 * time (consent validity, discharge not after today, payout dates, every recorded `at`) takes it from the
 * proposal, which its submitter writes: unchecked, a member could backdate a settlement into an expired consent.
 * Fabric 3.x peers refuse such proposals themselves (CVE-2024-45244, the TimeWindowCheck filter); no 2.5 release
 * does, so the chaincode must. A refusal only withholds this peer's endorsement: what is written stays
 * deterministic, since the write set never depends on the local clock.
 */
export function checkProposalTime(proposalMs: number, peerMs: number, toleranceMs: number): void {
  const skewMs = proposalMs - peerMs;
  if (Math.abs(skewMs) > toleranceMs) {
    throw clockSkew(
      `the proposal's time is ${Math.round(skewMs / 1000)} s from this peer's clock (at most ${toleranceMs / 1000} s)`,
    );
  }
}

interface Declared {
  name: string;
  tag: string[];
}

/** The base of every contract: its transactions get a LedgerContext, after the proposal's time is checked. */
export abstract class LedgerContract extends Contract {
  /** Every write's reply is sealed (Ledger.sealReply): the transactions declared SUBMIT are wrapped here, once. */
  constructor(name: string) {
    super(name);
    const reflect = Reflect as unknown as {
      getMetadata(key: string, target: object): Declared[] | undefined;
    };
    const self = this as unknown as Record<
      string,
      (ctx: LedgerContext, ...args: string[]) => Promise<string>
    >;
    for (const { name: fn, tag } of reflect.getMetadata('fabric:transactions', this) ?? []) {
      if (!tag.includes('SUBMIT')) continue;
      const write = self[fn];
      self[fn] = async (ctx, ...args) => ctx.ledger.sealReply(await write.call(this, ctx, ...args));
    }
  }

  /** The peer's clock: the one use of it in the chaincode. Tests that run contracts at a set time replace it. */
  // eslint-disable-next-line no-restricted-properties
  peerClock: () => number = () => Date.now();

  override createContext(): LedgerContext {
    return new LedgerContext();
  }

  override async beforeTransaction(ctx: LedgerContext): Promise<void> {
    checkProposalTime(Date.parse(ctx.ledger.txTime), this.peerClock(), CLOCK_TOLERANCE_MS);
  }
}
