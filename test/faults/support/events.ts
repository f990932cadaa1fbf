/**
 * A client of a gateway's Server-Sent Events stream (GET /v1/events) that keeps what it receives and, when the
 * stream ends or is cut, reconnects with Last-Event-ID as a browser's EventSource does.
 */
import { gatewayUrl, OrgId } from './gateways';
import { tokenFor } from './http';
import { sleep } from './processes';

export interface StreamedEvent {
  id: string;
  type: string;
  blockNumber: number;
  txId: string;
}

export class EventStreamClient {
  readonly events: StreamedEvent[] = [];
  /** Everything received, as sent. */
  raw = '';
  /** How many times the client connected (the first time with ?since, later with Last-Event-ID). */
  connections = 0;
  private controller = new AbortController();
  private stopped = false;
  private readonly running: Promise<void>;

  constructor(
    private readonly org: OrgId,
    sinceBlock: number,
  ) {
    this.running = this.loop(sinceBlock);
  }

  private async loop(sinceBlock: number): Promise<void> {
    while (!this.stopped) {
      await this.readOnce(sinceBlock).catch(() => undefined);
      if (!this.stopped) await sleep(500);
    }
  }

  private async readOnce(sinceBlock: number): Promise<void> {
    const lastId = this.events.at(-1)?.id;
    const headers: Record<string, string> = { authorization: `Bearer ${tokenFor(this.org)}` };
    if (lastId) headers['last-event-id'] = lastId;
    const res = await fetch(`${gatewayUrl(this.org)}/v1/events?since=${sinceBlock}`, {
      headers,
      signal: this.controller.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`event stream answered ${res.status}`);
    this.connections += 1;
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const text = decoder.decode(chunk, { stream: true });
      this.raw += text;
      buffered += text;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        this.parse(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
      }
    }
  }

  private parse(message: string): void {
    const fields = new Map<string, string>();
    for (const line of message.split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
    }
    const data = fields.get('data');
    const id = fields.get('id');
    if (!data || !id) return; // heartbeats and the retry hint
    const parsed = JSON.parse(data) as { blockNumber: number; txId: string };
    this.events.push({
      id,
      type: fields.get('event') ?? '',
      blockNumber: parsed.blockNumber,
      txId: parsed.txId,
    });
  }

  /** Cuts the connection; the client reconnects with Last-Event-ID. */
  reconnect(): void {
    this.controller.abort();
    this.controller = new AbortController();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.controller.abort();
    await this.running;
  }
}
