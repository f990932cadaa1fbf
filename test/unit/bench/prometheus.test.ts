import { expect } from 'chai';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { profile, startWindow } from '../../../bench/src/prometheus';

/** The gateway's request histogram for two routes, labelled, beside a gauge prom-client writes as "Nan". */
function scrape(posts: number, seconds: number): string {
  const series = (route: string, count: number, sum: number) =>
    [
      `gateway_http_request_duration_seconds_bucket{le="0.1",method="POST",route="${route}",status="201"} ${count}`,
      `gateway_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="${route}",status="201"} ${count}`,
      `gateway_http_request_duration_seconds_sum{method="POST",route="${route}",status="201"} ${sum}`,
      `gateway_http_request_duration_seconds_count{method="POST",route="${route}",status="201"} ${count}`,
    ].join('\n');
  return [
    '# HELP nodejs_eventloop_lag_mean_seconds The mean of the recorded event loop delays.',
    '# TYPE nodejs_eventloop_lag_mean_seconds gauge',
    'nodejs_eventloop_lag_mean_seconds Nan',
    '# HELP gateway_http_request_duration_seconds HTTP request duration.',
    '# TYPE gateway_http_request_duration_seconds histogram',
    series('/v1/settlements', posts, seconds),
    series('/v1/settlements/batch', 7, 70),
    '# TYPE gateway_ledger_retries_total counter',
    `gateway_ledger_retries_total{tx="Settlements:submit",reason="mvcc"} ${posts / 10}`,
    '',
  ].join('\n');
}

describe('bench: Prometheus scrapes', () => {
  let server: Server;
  let texts: string[];
  let url: string;
  before(async () => {
    server = createServer((_req, res) => res.end(texts.shift() ?? ''));
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  after(() => server.close());

  it('means a labelled histogram over the window and counts a counter, whatever else the scrape holds', async () => {
    texts = [scrape(100, 2), scrape(300, 6)];
    const end = await startWindow({ gateways: [url], peers: [], orderers: [] });
    const { gateway } = profile(await end(), 'Settlements:submit', '/v1/settlements');
    // 200 requests took 4 s more: 20 ms each; the batch route did not change and is not mixed in.
    expect(gateway.httpRequest).to.deep.equal({ ms: 20, count: 200 });
    expect(gateway.retries).to.equal(20);
  });
});
