/**
 * The gateway's event stream, read with fetch so that the token travels in the Authorization header (an
 * EventSource could only put it in the URL). Reconnects where it left off (Last-Event-ID) after a break.
 */
import { authHeaders } from './api';

export interface LedgerEvent {
  type: string;
  blockNumber: number;
  txId: string;
  refs: Record<string, string>[];
  status?: string;
  parties: string[];
}

const RETRY_MS = 3000;

/** Calls `onEvent` for every event from now on and `onLive` as the stream comes and goes; returns a stop. */
export function subscribe(
  onEvent: (event: LedgerEvent) => void,
  onLive: (live: boolean) => void,
): () => void {
  const abort = new AbortController();
  let lastId: string | undefined;

  const dispatch = (block: string) => {
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('id:')) lastId = line.slice(3).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    if (data) onEvent(JSON.parse(data) as LedgerEvent);
  };

  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        const headers = authHeaders({
          accept: 'text/event-stream',
          ...(lastId && { 'last-event-id': lastId }),
        });
        const res = await fetch('/v1/events', { headers, signal: abort.signal, cache: 'no-store' });
        if (!res.ok || !res.body) throw new Error(`event stream answered ${res.status}`);
        onLive(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // a break in the stream: said through onLive, then retried
      }
      if (abort.signal.aborted) return;
      onLive(false);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  };
  void run();
  return () => abort.abort();
}
