import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../../../bench/src/http-client';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A local HTTP server answering with `handler`, counting the connections it accepted. */
async function serve(handler: Handler): Promise<{ url: string; connections: () => number; server: Server }> {
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/things`, connections: () => connections, server };
}

/** The error `promise` rejects with (undefined when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

const echo: Handler = (req, body, res) => {
  const reply = JSON.stringify({ path: req.url, auth: req.headers.authorization, got: JSON.parse(body) });
  res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) });
  res.end(reply);
};

describe('bench HTTP client', () => {
  const opened: { server: Server }[] = [];
  const clients: HttpClient[] = [];
  const start = async (handler: Handler) => {
    const served = await serve(handler);
    opened.push(served);
    return served;
  };
  const client = (keepAlive = true) => {
    const created = new HttpClient(keepAlive);
    clients.push(created);
    return created;
  };
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const { server } of opened.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('posts JSON with the token and answers the status and parsed body, on one kept-alive connection', async () => {
    const { url, connections } = await start(echo);
    const http = client();
    for (const n of [1, 2, 3]) {
      expect(await http.post(url, 'tok', { n, name: 'é' })).to.deep.equal({
        status: 201,
        body: { path: '/v1/things', auth: 'Bearer tok', got: { n, name: 'é' } },
      });
    }
    expect(connections()).to.equal(1);
  });

  it('reads an answer that arrives in pieces, and an empty one', async () => {
    const { url } = await start((_req, body, res) => {
      if (JSON.parse(body).empty) return res.writeHead(204).end();
      const reply = JSON.stringify({ long: 'x'.repeat(100_000) });
      res.writeHead(200, { 'content-length': Buffer.byteLength(reply) });
      res.write(reply.slice(0, 10));
      setTimeout(() => res.end(reply.slice(10)), 20);
    });
    const http = client();
    const answer = await http.post(url, 't', {});
    expect(answer.status).to.equal(200);
    expect((answer.body as { long: string }).long).to.have.length(100_000);
    expect(await http.post(url, 't', { empty: true })).to.deep.equal({ status: 204, body: undefined });
  });

  it('sends a request once more on a fresh connection when a reused one is reset under it', async () => {
    const served = new WeakSet<object>();
    let requests = 0;
    const { url, connections } = await start((req, body, res) => {
      requests += 1;
      // The second request on a connection finds it closed, as when a keep-alive timeout races a request.
      if (served.has(req.socket)) return req.socket.destroy();
      served.add(req.socket);
      echo(req, body, res);
    });
    const http = client();
    await http.post(url, 't', { n: 1 });
    expect((await http.post(url, 't', { n: 2 })).body).to.deep.include({ got: { n: 2 } });
    expect(requests).to.equal(3);
    expect(connections()).to.equal(2);
  });

  it('skips pooled connections the server closed while they idled', async function () {
    this.timeout(5000);
    const { url, connections, server } = await start(echo);
    // Node's server closes an idle socket a second after this.
    server.keepAliveTimeout = 10;
    const http = client();
    await Promise.all([1, 2, 3].map((n) => http.post(url, 't', { n })));
    expect(connections()).to.equal(3);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect((await http.post(url, 't', { n: 4 })).body).to.deep.include({ got: { n: 4 } });
    expect(connections()).to.equal(4);
  });

  it('rejects an answer that is not JSON, and is then closed for good', async () => {
    const { url } = await start((_req, _body, res) => {
      res.writeHead(200, { 'content-length': 5 }).end('oops!');
    });
    const http = client();
    expect(await rejectionOf(http.post(url, 't', {}))).to.be.instanceOf(SyntaxError);
    http.close();
    const closed = await rejectionOf(http.post(url, 't', {}));
    expect((closed as Error).message).to.equal('the HTTP client is closed');
  });

  it('does not resend on a fresh connection, and opens one per request without keep-alive', async () => {
    const { url, connections } = await start(echo);
    const http = client(false);
    await http.post(url, 't', {});
    await http.post(url, 't', {});
    expect(connections()).to.equal(2);
    const broken = await start((req) => req.socket.destroy());
    expect(await rejectionOf(client().post(broken.url, 't', {}))).to.be.instanceOf(Error);
    expect(broken.connections()).to.equal(1);
  });
});
