import { connect } from 'node:net';
import { expect } from 'chai';
import { Tx } from '@settlement/chaincode/dist/api';
import { ROUTES } from '../../../gateway/src/routes';
import { jsonOf, problemOf, startGateway, TestGateway } from './harness';

describe('gateway server', () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startGateway('hospital1', { corsOrigins: ['https://his.hospital1.example'] });
    gw.ledger.on(Tx.listParticipants, () => []);
  });
  afterEach(() => gw.close());

  it('documents every route, method, parameter and body in /openapi.json', async () => {
    const res = await gw.call('/openapi.json', { token: null });
    expect(res.status).to.equal(200);
    const doc = await jsonOf(res);
    expect(doc.openapi).to.match(/^3\.1/);
    expect(ROUTES.length).to.be.greaterThan(20);
    for (const route of ROUTES) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method];
      expect(operation, `${route.method} ${path}`).to.be.an('object');
      const names = operation.parameters.map((p: { name: string }) => p.name);
      for (const [, param] of route.path.matchAll(/:(\w+)/g)) expect(names, path).to.include(param);
      if (route.body)
        expect(operation.requestBody.content['application/json'].schema.type).to.equal('object');
    }
    const settlement = doc.paths['/v1/settlements'].post.requestBody.content['application/json'].schema;
    expect(settlement.required).to.include.members(['settlementId', 'policyRef', 'costs']);
    expect(settlement.properties).to.include.keys('invoice', 'invoiceNumber');
    expect(doc.paths['/v1/settlements'].get.parameters.map((p: { name: string }) => p.name)).to.include(
      'cursor',
    );
    for (const path of ['/healthz', '/metrics', '/openapi.json']) expect(doc.paths).to.have.property(path);
  });

  it('links each reply to the operations it leads to, by operationId and every path parameter', async () => {
    const doc = await jsonOf(await gw.call('/openapi.json', { token: null }));
    type Operation = { operationId: string; parameters: { name: string; in: string }[]; responses: object };
    const operations = Object.values(doc.paths as Record<string, Record<string, Operation>>).flatMap(
      (methods) => Object.values(methods),
    );
    const byId = new Map(operations.map((op) => [op.operationId, op]));
    expect(byId.size, 'operationIds are unique').to.equal(operations.length);
    const links = operations.flatMap((op) =>
      Object.values(op.responses as Record<string, { links?: object }>).flatMap((response) =>
        Object.values(response.links ?? {}),
      ),
    ) as { operationId: string; parameters: Record<string, string> }[];
    for (const link of links) {
      const target = byId.get(link.operationId);
      expect(target, link.operationId).to.be.an('object');
      const pathParams = (target as Operation).parameters.filter((p) => p.in === 'path').map((p) => p.name);
      expect(Object.keys(link.parameters), link.operationId).to.have.members(pathParams);
      for (const value of Object.values(link.parameters)) {
        expect(value).to.match(/^\$response\.body#(\/\w+)+$/);
      }
    }
    const settle = doc.paths['/v1/settlements'].post.responses['201'].links;
    expect(Object.values(settle).map((l) => (l as { operationId: string }).operationId)).to.include.members([
      'GET /v1/settlements/{hospital}/{settlementId}',
      'POST /v1/settlements/{hospital}/{settlementId}/payout',
      'POST /v1/settlements/{hospital}/{settlementId}/dispute',
    ]);
  });

  it('documents the problems each route can answer, with the Problem schema', async () => {
    const doc = await jsonOf(await gw.call('/openapi.json', { token: null }));
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses);
    for (const route of ROUTES) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      const operation = doc.paths[path][route.method];
      expect(statuses(path, route.method), path).to.include.members(['400', '401', '403']);
      const responses = operation.responses as Record<
        string,
        { content: Record<string, { schema: unknown }> }
      >;
      for (const [status, response] of Object.entries(responses)) {
        const media = Number(status) >= 400 ? 'application/problem+json' : Object.keys(response.content)[0];
        expect(response.content[media].schema, `${route.method} ${path} ${status}`).to.be.an('object');
      }
    }
    expect(statuses('/v1/settlements', 'post')).to.include.members([
      '404',
      '409',
      '413',
      '415',
      '502',
      '503',
      '504',
    ]);
    expect(statuses('/v1/settlements/{hospital}/{settlementId}/payout', 'post')).to.include('422');
    for (const action of ['payout', 'dispute', 'reversal']) {
      expect(statuses(`/v1/settlements/{hospital}/{settlementId}/${action}`, 'post')).to.include('404');
    }
    expect(statuses('/v1/products', 'post')).to.include('409');
    expect(statuses('/v1/events', 'get')).to.include.members(['410', '429', '503']).and.not.include('502');
    const read = statuses('/v1/participants', 'get');
    expect(read).to.include('503');
    for (const status of ['413', '502', '504']) expect(read).to.not.include(status);
    expect(doc.paths['/v1/settlements'].post.responses['409'].description).to.contain('DUPLICATE_INVOICE');
    const problem = doc.components.schemas.Problem;
    expect(problem.properties).to.include.keys('alertId', 'existing', 'txId', 'errors');
    expect(
      doc.paths['/v1/settlements'].get.responses['200'].content['application/json'].schema.properties,
    ).to.have.property('nextCursor');
  });

  it('answers 405 with Allow to a known path asked with another method, 404 to an unknown path', async () => {
    const res = await gw.call('/v1/settlements/batch', { method: 'GET' });
    expect(res.status).to.equal(405);
    expect(res.headers.get('allow')).to.equal('POST');
    expect((await problemOf(res)).code).to.equal('METHOD_NOT_ALLOWED');
    const trace = await gw.call('/healthz', { method: 'DELETE', token: null });
    expect([trace.status, trace.headers.get('allow')]).to.deep.equal([405, 'GET, HEAD']);
    expect((await gw.call('/v1/settlements/Hospital1MSP/S-1', { method: 'PUT' })).status).to.equal(405);
    expect((await gw.call('/v1/nothing-here', { method: 'PUT' })).status).to.equal(404);
    expect((await gw.call('/v1/participants', { method: 'HEAD' })).status).to.equal(200);
  });

  it('reports ledger health without a token', async () => {
    const ok = await gw.call('/healthz', { token: null });
    expect(ok.status).to.equal(200);
    expect(await jsonOf(ok)).to.deep.equal({ status: 'ok', ledger: { reachable: true, blockHeight: 7 } });
    gw.ledger.height = new Error('peer down');
    const down = await gw.call('/healthz', { token: null });
    expect(down.status).to.equal(503);
    expect((await jsonOf(down)).ledger.reachable).to.equal(false);
  });

  it('exports request latency by route pattern and status', async () => {
    await gw.call('/v1/participants');
    await gw.call('/v1/participants', { token: null });
    const text = await (await gw.call('/metrics', { token: null })).text();
    expect(text).to.match(
      /gateway_http_request_duration_seconds_count\{method="GET",route="\/v1\/participants",status="200"\} 1/,
    );
    expect(text).to.match(/route="\/v1\/participants",status="401"\} 1/);
  });

  /** Sends raw bytes to the gateway and reads the whole answer (the gateway closes the connection). */
  async function rawExchange(
    request: string,
  ): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
    const { port } = new URL(gw.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.end(request);
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    const [head, body] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
    return {
      status: Number(head.split(' ')[1]),
      type: /content-type: ([^\r]+)/i.exec(head)?.[1] ?? '',
      body: JSON.parse(body) as Record<string, unknown>,
    };
  }

  it('answers headers over the parser limit with 431 problem+json', async () => {
    const answer = await rawExchange(
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(answer.status).to.equal(431);
    expect(answer.type).to.match(/^application\/problem\+json/);
    expect(answer.body).to.include({ status: 431, code: 'HEADERS_TOO_LARGE' });
  });

  it('answers bytes that are not HTTP with 400 problem+json', async () => {
    const answer = await rawExchange('HELLO\r\n\r\n');
    expect(answer.status).to.equal(400);
    expect(answer.body).to.include({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('sets security headers and no CORS headers for unknown origins', async () => {
    const res = await gw.call('/v1/participants', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(res.headers.get('x-frame-options')).to.equal('DENY');
    expect(res.headers.get('content-security-policy')).to.contain("default-src 'none'");
    expect(res.headers.get('x-powered-by')).to.equal(null);
    expect(res.headers.get('access-control-allow-origin')).to.equal(null);
  });

  it('answers CORS preflights for configured origins only', async () => {
    const origin = 'https://his.hospital1.example';
    const preflight = await gw.call('/v1/settlements', {
      method: 'OPTIONS',
      token: null,
      headers: { origin },
    });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers.get('access-control-allow-origin')).to.equal(origin);
    expect(preflight.headers.get('access-control-allow-headers')).to.contain('Authorization');
  });

  it('answers a path with bad percent-encoding or a body that does not inflate with 400, never 500', async () => {
    for (const path of [
      '/v1/settlements/Hospital1MSP/%',
      '/v1/products/%E0%A4%A',
      '/v1/audit/transactions/%zz',
    ]) {
      for (const token of [undefined, null]) {
        const res = await gw.call(path, { token });
        expect(res.status, `${path} ${token}`).to.equal(400);
        expect((await problemOf(res)).code).to.equal('VALIDATION_FAILED');
      }
    }
    const res = await gw.call('/v1/settlements', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: 'not gzip at all',
    });
    expect(res.status).to.equal(400);
    expect((await problemOf(res)).code).to.equal('VALIDATION_FAILED');
    expect(gw.logs.join('')).to.not.contain('unhandled error');
  });

  it('answers unknown endpoints with a 404 problem', async () => {
    const res = await gw.call('/v2/nothing');
    expect(res.status).to.equal(404);
    expect((await problemOf(res)).code).to.equal('NOT_FOUND');
  });

  it('echoes a sane X-Request-Id and replaces one that is not', async () => {
    const echoed = await gw.call('/v1/participants', { headers: { 'x-request-id': 'his-42' } });
    expect(echoed.headers.get('x-request-id')).to.equal('his-42');
    const replaced = await gw.call('/v1/participants', {
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    expect(replaced.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    expect(gw.logs.join('')).to.contain('"requestId":"his-42"');
  });

  it('writes one access line per request, with its id, route, status and subject, and redacts other lines', async () => {
    gw.ledger.on(Tx.listParticipants, () => {
      throw Object.assign(new Error('boom'), { token: 'not-for-logs' });
    });
    const before = gw.logs.length;
    const res = await gw.call('/v1/participants', { headers: { 'x-request-id': 'acc-1' } });
    expect(res.status).to.equal(500);
    const lines = gw.logs.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = lines.filter((line) => line.msg === 'request');
    expect(access).to.have.length(1);
    expect(access[0]).to.include({
      requestId: 'acc-1',
      method: 'GET',
      route: '/v1/participants',
      status: 500,
      sub: 'user-of-hospital1',
    });
    const error = lines.find((line) => line.msg === 'unhandled error') as { err: Record<string, unknown> };
    expect(error).to.include({ requestId: 'acc-1' });
    expect(error.err.token).to.equal('[redacted]');
    expect(access[0].ms).to.be.a('number');
    expect(access[0]).to.not.have.property('aborted');
    gw.ledger.on(Tx.listParticipants, () => []);
  });

  it('writes the access line of a request the client abandoned, marked aborted', async () => {
    const client = new AbortController();
    const res = await gw.call('/v1/events', { signal: client.signal, headers: { 'x-request-id': 'gone-1' } });
    expect(res.status).to.equal(200);
    client.abort();
    const accessOf = () =>
      gw.logs
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line.msg === 'request' && line.requestId === 'gone-1');
    for (let waited = 0; !accessOf() && waited < 2000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(accessOf()).to.include({ route: '/v1/events', aborted: true });
  });
});
