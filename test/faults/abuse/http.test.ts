/**
 * HTTP-level abuse against every running gateway: headers over the parser's limit and HEAD requests on the event
 * stream, which must neither crash the gateway nor use up what real clients need.
 */
import { expect } from 'chai';
import { request } from 'node:http';
import { gatewayUrl, ORG_IDS, startGateways } from '../support/gateways';
import { call, tokenFor } from '../support/http';

/** Streams one token may hold open at once (the gateways' default EVENTS_MAX_STREAMS_PER_SUBJECT). */
const STREAMS_PER_SUBJECT = 5;

/** A raw request, so that headers no fetch implementation would send can be sent. */
function raw(
  url: string,
  method: string,
  headers: Record<string, string>,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    });
    req.on('timeout', () => req.destroy(new Error('no answer in time')));
    req.on('error', reject);
    req.end();
  });
}

describe('abuse: HTTP limits', function () {
  this.timeout(120_000);
  before(() => startGateways());

  for (const org of ORG_IDS) {
    it(`${org}: answers oversized headers with a 431 problem and keeps serving`, async () => {
      const answer = await raw(`${gatewayUrl(org)}/v1/participants`, 'GET', {
        authorization: `Bearer ${tokenFor(org)}`,
        'x-padding': 'a'.repeat(64 * 1024),
      });
      expect(answer.status).to.equal(431);
      expect(answer.type).to.match(/^application\/problem\+json/);
      expect(JSON.parse(answer.body).code).to.equal('HEADERS_TOO_LARGE');
      expect((await call(org, 'GET', '/v1/participants')).status).to.equal(200);
    });

    it(`${org}: answers HEAD on the event stream without holding a stream for it`, async () => {
      const token = tokenFor(org, { sub: `head-${org}` });
      const url = `${gatewayUrl(org)}/v1/events`;
      for (let i = 0; i < STREAMS_PER_SUBJECT * 2; i += 1) {
        const head = await raw(url, 'HEAD', { authorization: `Bearer ${token}` });
        expect(head.status).to.equal(200);
        expect(head.type).to.contain('text/event-stream');
      }
      // Every stream slot of the subject is still free.
      const streams = Array.from({ length: STREAMS_PER_SUBJECT }, () => new AbortController());
      try {
        for (const controller of streams) {
          const res = await fetch(url, {
            headers: { authorization: `Bearer ${token}` },
            signal: controller.signal,
          });
          expect(res.status).to.equal(200);
        }
      } finally {
        for (const controller of streams) controller.abort();
      }
    });
  }
});
