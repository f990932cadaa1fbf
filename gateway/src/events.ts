/**
 * Server-Sent Events of ledger events. One ledger listener per gateway, started by the first stream, feeds a
 * bounded in-memory log; every client gets the events its organisation is a party to, and of those only the
 * references that concern it (auditors get all), can
 * resume from a block number or from the Last-Event-ID its browser sends, and is cut off (to reconnect and
 * resume) when it reads so slowly that its socket buffer grows past a limit, so one slow reader never holds the
 * others back or exhausts memory.
 * A stream ends when its token expires (the client reconnects with a fresh token and Last-Event-ID), and the
 * number of open streams is capped per subject and in total.
 */
import type { Request, Response } from 'express';
import { eventSeenBy, type LedgerEvent } from '@settlement/chaincode/dist/api';
import type { Principal } from './auth';
import { ApiError } from './errors';
import type { LedgerClient, LedgerEventRecord } from './ledger';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/** Position of an event: its block and its index among the events of that block; ids are "block.index". */
interface Position {
  block: number;
  index: number;
}

interface Entry extends Position {
  record: LedgerEventRecord;
  /** The entry's text for each view of it ('' for auditors, else an organisation); undefined: nothing to see. */
  views: Map<string, string | undefined>;
}

interface Client {
  res: Response;
  principal: Principal;
  /** The newest position this client has been sent or has skipped; only later entries go to it. */
  position: Position;
  expiry: NodeJS.Timeout;
}

export interface EventHubOptions {
  bufferSize: number;
  heartbeatSeconds: number;
  maxClientBufferBytes: number;
  maxStreams: number;
  maxStreamsPerSubject: number;
}

/** setTimeout's longest delay (about 24.8 days); a token living longer is cut at that point. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function after(a: Position, b: Position): boolean {
  return a.block > b.block || (a.block === b.block && a.index > b.index);
}

/** A resume position: Last-Event-ID ("block.index", validated by the route; resume after it) wins over ?since=BLOCK. */
export function resumePosition(
  lastEventId: string | undefined,
  since: number | undefined,
): Position | undefined {
  if (lastEventId) {
    const [block, index] = lastEventId.split('.').map(Number);
    return { block, index };
  }
  return since === undefined ? undefined : { block: since, index: -1 };
}

export class EventHub {
  private readonly log: Entry[] = [];
  /** Position of the newest event dropped from the log; a resume before it cannot be served. */
  private dropped: Position | undefined;
  private readonly clients = new Set<Client>();
  /** The ledger listener's start; undefined until the first stream, and again after a failed start. */
  private following: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly ledger: LedgerClient,
    private readonly options: EventHubOptions,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatSeconds * 1000);
    this.heartbeat.unref();
  }

  /**
   * Starts the ledger listener once, from the first block so that any position still in the log can be
   * resumed, and keeps it. Not at start-up: the listener decodes every full block (filtered blocks carry no
   * event payloads), CPU a gateway nobody streams from would spend on every transaction of the channel.
   */
  private follow(): Promise<void> {
    this.following ??= this.ledger
      .subscribe(0, (record) => this.publish(record))
      .then(
        (unsubscribe) => {
          if (this.closed) unsubscribe();
          else this.unsubscribe = unsubscribe;
        },
        (error: unknown) => {
          this.following = undefined;
          throw error;
        },
      );
    return this.following;
  }

  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    clearInterval(this.heartbeat);
    for (const client of this.clients) this.drop(client);
  }

  private publish(record: LedgerEventRecord): void {
    const last = this.log.at(-1) ?? this.dropped;
    // The SDK's checkpointer already filters repeats after a reconnect; this guards the log's order regardless.
    if (last && record.blockNumber < last.block) return;
    const index = last && last.block === record.blockNumber ? last.index + 1 : 0;
    const entry: Entry = { block: record.blockNumber, index, record, views: new Map() };
    this.log.push(entry);
    if (this.log.length > this.options.bufferSize) {
      const oldest = this.log.shift() as Entry;
      this.dropped = { block: oldest.block, index: oldest.index };
    }
    for (const client of this.clients) this.send(client, entry);
  }

  /** The entry as the principal may see it (eventSeenBy), rendered once per view; undefined when nothing. */
  private textFor(principal: Principal, entry: Entry): string | undefined {
    const seesAll = principal.role === 'auditor';
    const view = seesAll ? '' : principal.org;
    if (!entry.views.has(view)) {
      const event = eventSeenBy(entry.record.event, principal.org, seesAll);
      entry.views.set(view, event && render(entry, event));
    }
    return entry.views.get(view);
  }

  private send(client: Client, entry: Entry): void {
    if (!after(entry, client.position)) return;
    client.position = { block: entry.block, index: entry.index };
    const text = this.textFor(client.principal, entry);
    if (text === undefined) return;
    this.write(client, text);
    this.metrics.eventsSent.inc({ outcome: 'delivered' });
  }

  private write(client: Client, text: string): void {
    client.res.write(text);
    if (client.res.writableLength > this.options.maxClientBufferBytes) {
      this.logger.warn(
        { sub: client.principal.sub },
        'closing an event stream whose client reads too slowly',
      );
      this.metrics.eventsSent.inc({ outcome: 'dropped_slow_client' });
      this.drop(client);
    }
  }

  private drop(client: Client): void {
    clearTimeout(client.expiry);
    this.clients.delete(client);
    client.res.end();
  }

  private checkOpen(): void {
    if (this.closed) throw new ApiError(503, 'LEDGER_UNAVAILABLE', 'the gateway is shutting down');
  }

  /** Refuses a stream beyond the caps before anything is written. */
  private checkCapacity(principal: Principal): void {
    const own = [...this.clients].filter((c) => c.principal.sub === principal.sub).length;
    if (this.clients.size >= this.options.maxStreams || own >= this.options.maxStreamsPerSubject) {
      throw new ApiError(429, 'TOO_MANY_STREAMS', 'too many open event streams; close one and retry');
    }
  }

  private beat(): void {
    for (const client of this.clients) this.write(client, ': heartbeat\n\n');
  }

  /**
   * Serves one client: replays what it missed from the log, then follows live events. Without a resume
   * position it follows from the ledger's current height: the log may still be replaying older blocks.
   */
  async stream(req: Request, res: Response, principal: Principal, from: Position | undefined): Promise<void> {
    // Checked before the ledger is asked anything, and again once it has answered.
    this.checkOpen();
    this.checkCapacity(principal);
    let gone = false;
    req.once('close', () => (gone = true));
    await this.follow();
    const { block, index } = from ?? { block: (await this.ledger.blockHeight()) - 1, index: Infinity };
    if (gone || req.destroyed || res.closed) return;
    this.checkOpen();
    if (from && this.dropped && after(this.dropped, from)) {
      throw new ApiError(
        410,
        'EVENTS_EXPIRED',
        'events before this position are no longer kept; resume from later',
        {
          oldestBlock: this.log[0]?.block ?? this.dropped.block + 1,
        },
      );
    }
    this.checkCapacity(principal);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    // HEAD learns what a stream would answer without holding one of the caller's streams.
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.flushHeaders();
    const lifetime = Math.min(Math.max(principal.expiresAt * 1000 - Date.now(), 0), MAX_TIMER_MS);
    const client: Client = {
      res,
      principal,
      position: { block, index },
      expiry: setTimeout(() => this.drop(client), lifetime),
    };
    this.clients.add(client);
    req.on('close', () => this.drop(client));
    res.write('retry: 3000\n\n');
    for (const entry of this.log) {
      if (!this.clients.has(client)) break;
      this.send(client, entry);
    }
  }

  get clientCount(): number {
    return this.clients.size;
  }
}

function render(entry: Entry, event: LedgerEvent): string {
  const { type, refs, status, parties } = event;
  const { blockNumber, txId } = entry.record;
  const data = JSON.stringify({ blockNumber, txId, type, refs, status, parties });
  return `id: ${entry.block}.${entry.index}\nevent: ${type}\ndata: ${data}\n\n`;
}
