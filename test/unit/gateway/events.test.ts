import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import type { Response as ExpressResponse } from 'express';
import type { LedgerEventRecord } from '../../../gateway/src/ledger';
import { createLogger } from '../../../gateway/src/logger';
import { createMetrics } from '../../../gateway/src/metrics';
import { ApiError } from '../../../gateway/src/errors';
import { EventHub, EventHubOptions, resumePosition } from '../../../gateway/src/events';
import { FakeLedger } from './fake-ledger';
import { jsonOf, problemOf, startGateway, TestGateway } from './harness';

function record(
  blockNumber: number,
  parties: string[],
  settlementId = `S-${blockNumber}`,
): LedgerEventRecord {
  return {
    blockNumber,
    txId: blockNumber.toString(16).padStart(64, '0'),
    event: { type: 'SettlementRecorded', parties, refs: [{ hospital: parties[0], settlementId }] },
  };
}

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** Opens an event stream and collects parsed events (and comments) until `until` says enough. */
async function collect(
  gw: TestGateway,
  path: string,
  until: (events: SseEvent[], raw: string) => boolean,
  headers: Record<string, string> = {},
  afterOpen?: () => void,
): Promise<{ events: SseEvent[]; raw: string }> {
  const controller = new AbortController();
  const res = await gw.call(path, { headers, signal: controller.signal });
  expect(res.status).to.equal(200);
  expect(res.headers.get('content-type')).to.contain('text/event-stream');
  afterOpen?.();
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let raw = '';
  const events: SseEvent[] = [];
  const deadline = Date.now() + 3000;
  while (!until(events, raw) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    raw += decoder.decode(value);
    events.length = 0;
    for (const block of raw.split('\n\n')) {
      const fields = Object.fromEntries(
        block
          .split('\n')
          .filter((line) => line && !line.startsWith(':'))
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      if (fields.data) events.push(fields);
    }
  }
  controller.abort();
  return { events, raw };
}

describe('gateway events', () => {
  let hospital: TestGateway;
  let regulator: TestGateway;
  beforeEach(async () => {
    hospital = await startGateway('hospital1');
    regulator = await startGateway('regulator', {
      events: {
        bufferSize: 3,
        heartbeatSeconds: 3600,
        maxClientBufferBytes: 1 << 20,
        maxStreams: 3,
        maxStreamsPerSubject: 2,
      },
    });
    for (const gw of [hospital, regulator]) {
      gw.ledger.emit(record(3, ['Hospital1MSP', 'Insurer1MSP']));
      gw.ledger.emit(record(4, ['Hospital2MSP', 'Insurer1MSP']));
      gw.ledger.emit(record(4, ['Hospital1MSP', 'Insurer2MSP'], 'S-4b'));
    }
  });
  afterEach(async () => {
    await Promise.all([hospital.close(), regulator.close()]);
  });

  it('replays from ?since only what the caller is a party to, with block.index ids', async () => {
    const { events } = await collect(hospital, '/v1/events?since=0', (e) => e.length >= 2);
    expect(events.map((e) => e.id)).to.deep.equal(['3.0', '4.1']);
    expect(events[0].event).to.equal('SettlementRecorded');
    expect(JSON.parse(events[1].data as string)).to.deep.include({
      blockNumber: 4,
      refs: [{ hospital: 'Hospital1MSP', settlementId: 'S-4b' }],
    });
  });

  it("sends an insurer of a batch across two insurers only its own refs, and the other's nothing", async () => {
    const insurer2 = await startGateway('insurer2');
    try {
      const batch: LedgerEventRecord = {
        blockNumber: 3,
        txId: 'b'.repeat(64),
        event: {
          type: 'SettlementsRecorded',
          parties: ['Hospital1MSP', 'Insurer1MSP', 'Insurer2MSP'],
          refs: [
            { hospital: 'Hospital1MSP', settlementId: 'OF-INSURER-1' },
            { hospital: 'Hospital1MSP', settlementId: 'OF-INSURER-2' },
            { alertId: 'ALERT-OF-HOSPITAL-1' },
          ],
          scopes: [
            { parties: ['Hospital1MSP', 'Insurer1MSP'], refs: [0] },
            { parties: ['Hospital1MSP', 'Insurer2MSP'], refs: [1] },
            { parties: ['Hospital1MSP'], refs: [2] },
          ],
        },
      };
      insurer2.ledger.emit(batch);
      const { events, raw } = await collect(insurer2, '/v1/events?since=0', (e) => e.length >= 1);
      expect(JSON.parse(events[0].data as string)).to.deep.include({
        parties: ['Hospital1MSP', 'Insurer2MSP'],
        refs: [{ hospital: 'Hospital1MSP', settlementId: 'OF-INSURER-2' }],
      });
      expect(raw)
        .not.to.contain('OF-INSURER-1')
        .and.not.to.contain('ALERT-OF-HOSPITAL-1')
        .and.not.to.contain('Insurer1MSP');
    } finally {
      await insurer2.close();
    }
  });

  it('shows auditors every event and resumes after Last-Event-ID', async () => {
    const { events } = await collect(regulator, '/v1/events?since=0', (e) => e.length >= 2, {
      'last-event-id': '3.0',
    });
    expect(events.map((e) => e.id)).to.deep.equal(['4.0', '4.1']);
  });

  it('follows live events from the ledger height without a resume position', async () => {
    hospital.ledger.height = 5;
    const { events } = await collect(
      hospital,
      '/v1/events',
      (e) => e.length >= 1,
      {},
      () => {
        setTimeout(() => {
          hospital.ledger.emit(record(5, ['Hospital2MSP']));
          hospital.ledger.emit(record(6, ['Insurer1MSP', 'Hospital1MSP']));
        }, 20);
      },
    );
    expect(events.map((e) => e.id)).to.deep.equal(['6.0']);
  });

  it('answers 410 when asked to resume from events no longer kept', async () => {
    regulator.ledger.emit(record(7, ['Hospital1MSP']));
    const res = await regulator.call('/v1/events?since=3');
    expect(res.status).to.equal(410);
    expect((await problemOf(res)).code).to.equal('EVENTS_EXPIRED');
    const kept = await collect(regulator, '/v1/events?since=4', (e) => e.length >= 3);
    expect(kept.events.map((e) => e.id)).to.deep.equal(['4.0', '4.1', '7.0']);
  });

  it('answers 429 problem+json beyond the streams allowed per subject', async () => {
    const streams = [new AbortController(), new AbortController()];
    try {
      for (const controller of streams) {
        expect((await regulator.call('/v1/events', { signal: controller.signal })).status).to.equal(200);
      }
      const res = await regulator.call('/v1/events');
      expect(res.status).to.equal(429);
      expect((await problemOf(res)).code).to.equal('TOO_MANY_STREAMS');
    } finally {
      for (const controller of streams) controller.abort();
    }
  });

  it('answers HEAD with the stream headers and holds no stream for it', async () => {
    for (let i = 0; i < 5; i += 1) {
      const res = await regulator.call('/v1/events', { method: 'HEAD' });
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.contain('text/event-stream');
    }
    const streams = [new AbortController(), new AbortController()];
    try {
      for (const controller of streams) {
        expect((await regulator.call('/v1/events', { signal: controller.signal })).status).to.equal(200);
      }
    } finally {
      for (const controller of streams) controller.abort();
    }
  });

  it('rejects a bad since', async () => {
    expect((await hospital.call('/v1/events?since=-1')).status).to.equal(400);
  });

  it('rejects a Last-Event-ID that is not an event id, and declares the header', async () => {
    const answer = await hospital.call('/v1/events', { headers: { 'Last-Event-ID': 'junk' } });
    expect(answer.status).to.equal(400);
    expect((await jsonOf(answer)).errors[0].path).to.equal('header.last-event-id');
    const doc = await jsonOf(await hospital.call('/openapi.json'));
    const names = doc.paths['/v1/events'].get.parameters.map(
      (p: { name: string; in: string }) => `${p.in}:${p.name}`,
    );
    expect(names).to.deep.equal(['query:since', 'header:last-event-id']);
  });

  it('reads resume positions', () => {
    expect(resumePosition('12.3', 1)).to.deep.equal({ block: 12, index: 3 });
    expect(resumePosition(undefined, 5)).to.deep.equal({ block: 5, index: -1 });
    expect(resumePosition(undefined, undefined)).to.equal(undefined);
  });

  describe('the hub', () => {
    function fakeResponse(writableLength: () => number) {
      const written: string[] = [];
      let ended = false;
      const res = {
        status: () => res,
        set: () => res,
        flushHeaders: () => undefined,
        write: (text: string) => written.push(text),
        end: () => {
          ended = true;
        },
        get writableLength() {
          return writableLength();
        },
      };
      return { res: res as unknown as ExpressResponse, written, ended: () => ended };
    }
    const request = () => new EventEmitter() as never;
    const failure = (attempt: Promise<unknown>) =>
      attempt.then(
        () => undefined,
        (error: unknown) => error,
      );
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const principal = { org: 'Hospital1MSP', role: 'clerk' as const, sub: 'u', expiresAt: inAnHour };
    const ids = (written: string[]) =>
      written.filter((t) => t.startsWith('id:')).map((t) => t.split('\n')[0]);

    async function startHub(options: Partial<EventHubOptions> = {}, metrics = createMetrics()) {
      const ledger = new FakeLedger();
      const hub = new EventHub(
        ledger,
        {
          bufferSize: 10,
          heartbeatSeconds: 3600,
          maxClientBufferBytes: 1000,
          maxStreams: 10,
          maxStreamsPerSubject: 10,
          ...options,
        },
        metrics,
        createLogger('silent'),
      );
      hub.start();
      return { ledger, hub };
    }

    it('listens to the ledger only once a stream opens, and then from the first block', async () => {
      const { ledger, hub } = await startHub();
      expect(ledger.subscribedFrom).to.equal(undefined);
      await Promise.all(
        [1, 2].map(() => hub.stream(request(), fakeResponse(() => 0).res, principal, undefined)),
      );
      await hub.stream(request(), fakeResponse(() => 0).res, principal, undefined);
      expect(ledger.subscribedFrom).to.equal(0);
      expect(ledger.subscriptions).to.equal(1);
      hub.close();
      expect(ledger.subscribed).to.equal(false);
    });

    it('answers 503 when the listener cannot start, and starts it with the next stream', async () => {
      const { ledger, hub } = await startHub();
      ledger.subscribeFailure = new ApiError(503, 'LEDGER_UNAVAILABLE', 'down');
      const client = fakeResponse(() => 0);
      expect(await failure(hub.stream(request(), client.res, principal, undefined)))
        .to.be.instanceOf(ApiError)
        .with.property('status', 503);
      expect(client.written).to.deep.equal([]);
      ledger.subscribeFailure = undefined;
      await hub.stream(request(), client.res, principal, undefined);
      expect(ledger.subscribed).to.equal(true);
      hub.close();
    });

    it('skips, without a resume position, blocks below the ledger height that the hub is still replaying', async () => {
      const { ledger, hub } = await startHub();
      ledger.height = 10;
      const client = fakeResponse(() => 0);
      await hub.stream(request(), client.res, principal, undefined);
      for (const block of [8, 9, 10]) ledger.emit(record(block, ['Hospital1MSP']));
      expect(ids(client.written)).to.deep.equal(['id: 10.0']);
      hub.close();
    });

    it('registers no client that left while the listener started, and none once the hub closed', async () => {
      const { ledger, hub } = await startHub();
      const leaving = request() as EventEmitter;
      const left = hub.stream(leaving as never, fakeResponse(() => 0).res, principal, undefined);
      leaving.emit('close');
      await left;
      expect(hub.clientCount).to.equal(0);
      hub.close();
      expect(ledger.subscribed).to.equal(false);
      expect(await failure(hub.stream(request(), fakeResponse(() => 0).res, principal, undefined)))
        .to.be.instanceOf(ApiError)
        .with.property('code', 'LEDGER_UNAVAILABLE');
    });

    it('stops the listener when the hub closes while it starts, and registers no client', async () => {
      const { ledger, hub } = await startHub();
      const first = hub.stream(request(), fakeResponse(() => 0).res, principal, undefined);
      hub.close();
      expect(await failure(first))
        .to.be.instanceOf(ApiError)
        .with.property('status', 503);
      expect(ledger.subscriptions).to.equal(1);
      expect(ledger.subscribed).to.equal(false);
      expect(hub.clientCount).to.equal(0);
    });

    it('sends a client that resumed ahead of the hub only entries after its position', async () => {
      // The hub replays the ledger from block 0 after a restart while a client resumes from a later event.
      const { ledger, hub } = await startHub();
      ledger.emit(record(2, ['Hospital1MSP']));
      const client = fakeResponse(() => 0);
      await hub.stream(request(), client.res, principal, resumePosition('10.0', undefined));
      for (const block of [3, 10, 11]) ledger.emit(record(block, ['Hospital1MSP']));
      expect(ids(client.written)).to.deep.equal(['id: 11.0']);
      hub.close();
    });

    it('sends a live client each entry once, and nothing it cannot see', async () => {
      const { ledger, hub } = await startHub();
      ledger.emit(record(1, ['Hospital1MSP']));
      ledger.height = 2;
      const client = fakeResponse(() => 0);
      await hub.stream(request(), client.res, principal, undefined);
      ledger.emit(record(2, ['Hospital2MSP']));
      ledger.emit(record(2, ['Hospital1MSP']));
      expect(ids(client.written)).to.deep.equal(['id: 2.1']);
      hub.close();
    });

    it("ends a stream when the token's exp passes", async () => {
      const { hub } = await startHub();
      const client = fakeResponse(() => 0);
      const expiresAt = Date.now() / 1000 + 0.05;
      await hub.stream(request(), client.res, { ...principal, expiresAt }, undefined);
      expect(client.ended()).to.equal(false);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.ended()).to.equal(true);
      expect(hub.clientCount).to.equal(0);
      hub.close();
    });

    it('caps streams per subject and in total with 429', async () => {
      const { hub } = await startHub({ maxStreams: 3, maxStreamsPerSubject: 2 });
      const open = (sub: string) =>
        hub.stream(request(), fakeResponse(() => 0).res, { ...principal, sub }, undefined);
      await open('a');
      await open('a');
      expect(await failure(open('a')))
        .to.be.instanceOf(ApiError)
        .with.property('status', 429);
      await open('b');
      expect(await failure(open('c')))
        .to.be.instanceOf(ApiError)
        .with.property('code', 'TOO_MANY_STREAMS');
      expect(hub.clientCount).to.equal(3);
      hub.close();
      expect(hub.clientCount).to.equal(0);
    });

    it('cuts off a client that reads too slowly without holding back the others', async () => {
      const metrics = createMetrics();
      const { ledger, hub } = await startHub({ maxClientBufferBytes: 100 }, metrics);
      ledger.height = 1;
      const slow = fakeResponse(() => 1000);
      const fast = fakeResponse(() => 0);
      await hub.stream(request(), slow.res, principal, undefined);
      await hub.stream(request(), fast.res, principal, undefined);
      ledger.emit(record(1, ['Hospital1MSP']));
      ledger.emit(record(2, ['Hospital1MSP']));
      expect(slow.ended()).to.equal(true);
      expect(fast.ended()).to.equal(false);
      expect(fast.written.filter((t) => t.startsWith('id:'))).to.have.length(2);
      expect(hub.clientCount).to.equal(1);
      expect(await metrics.registry.getSingleMetricAsString('gateway_sse_events_total')).to.contain(
        'dropped_slow_client',
      );
      hub.close();
      expect(fast.ended()).to.equal(true);
    });

    it('sends heartbeats', async () => {
      const { hub } = await startHub({ heartbeatSeconds: 1 });
      const client = fakeResponse(() => 0);
      await hub.stream(request(), client.res, principal, undefined);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(client.written).to.include(': heartbeat\n\n');
      hub.close();
    });
  });
});
