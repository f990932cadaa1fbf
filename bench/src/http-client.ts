/**
 * The load generator's HTTP/1.1 client: bare keep-alive sockets, one request in flight on each, responses framed
 * by Content-Length. It shares two cores with the gateways and the network it measures, so its own CPU counts
 * against the gateway path: Node's `http.request` cost 0.235 ms per request here, this 0.108 ms (bench/README,
 * Findings). It speaks only what the gateways answer a POST with (a JSON body and its length).
 */
import { connect, type Socket } from 'node:net';

export interface HttpAnswer {
  status: number;
  body: unknown;
}

const HEADER_END = Buffer.from('\r\n\r\n');
/** Failures of a request on a reused socket that mean the server had closed it. */
const RESEND_ON = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_STREAM_DESTROYED']);

/** One connection: a request written, its answer parsed from what arrives. */
class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting?: {
    resolve: (answer: HttpAnswer & { close: boolean }) => void;
    reject: (e: Error) => void;
  };
  /** False once the socket closed or failed: a closed connection is never reused. */
  open = true;

  constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    const closed = () => this.fail(Object.assign(new Error('socket closed'), { code: 'ECONNRESET' }));
    socket.on('error', (error) => this.fail(error));
    // The server's FIN (its keep-alive timeout) comes before the close: from then on nothing may be sent.
    socket.on('end', closed);
    socket.on('close', closed);
  }

  static open(host: string, port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.once('connect', () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  send(request: string, body: Buffer): Promise<HttpAnswer & { close: boolean }> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.cork();
      this.socket.write(request, 'latin1');
      this.socket.write(body);
      this.socket.uncork();
    });
  }

  destroy(): void {
    this.open = false;
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const end = this.buffered.indexOf(HEADER_END);
    if (end < 0 || !this.waiting) return;
    const head = this.buffered.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    // 204 and 304 carry no body and need no length (Node's server leaves it out).
    const length = status === 204 || status === 304 ? '0' : /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
    if (length === undefined)
      return this.fail(new Error(`an answer without Content-Length: ${head.split('\r\n')[0]}`));
    const total = end + HEADER_END.length + Number(length);
    if (this.buffered.length < total) return;
    const text = this.buffered.subarray(end + HEADER_END.length, total).toString('utf8');
    this.buffered = this.buffered.subarray(total);
    const { resolve, reject } = this.waiting;
    this.waiting = undefined;
    try {
      resolve({
        status,
        body: text ? JSON.parse(text) : undefined,
        close: /\r\nconnection: *close/i.test(head),
      });
    } catch (error) {
      this.destroy();
      reject(error as Error);
    }
  }

  private fail(error: Error): void {
    this.open = false;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}

/** Keep-alive connections, as any long-running client would use; `--no-keepalive` measures without. */
export class HttpClient {
  private readonly idle = new Map<string, Connection[]>();
  private readonly all = new Set<Connection>();
  private closed = false;

  constructor(private readonly keepAlive: boolean) {}

  /** POSTs JSON; answers the status and parsed body. */
  async post(url: string, token: string, body: unknown): Promise<HttpAnswer> {
    const { hostname, port, pathname, host } = new URL(url);
    const payload = Buffer.from(JSON.stringify(body));
    const request =
      `POST ${pathname} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n` +
      (this.keepAlive ? '\r\n' : 'Connection: close\r\n\r\n');
    let pool = this.idle.get(host);
    if (!pool) this.idle.set(host, (pool = []));
    for (let retried = false; ; retried = true) {
      if (this.closed) throw new Error('the HTTP client is closed');
      // A resend always goes on a fresh socket: the next pooled one may have been closed as well.
      const reused = retried ? undefined : this.takeOpen(pool);
      const connection = reused ?? (await Connection.open(hostname, Number(port)));
      this.all.add(connection);
      try {
        const { close, ...answer } = await connection.send(request, payload);
        if (this.keepAlive && !close && connection.open) pool.push(connection);
        else this.drop(connection);
        return answer;
      } catch (error) {
        this.drop(connection);
        // The gateway closed an idle kept-alive socket as this request went out on it. Every POST here is
        // idempotent, so it goes once more on a fresh socket, as Node's documentation advises.
        const code = (error as NodeJS.ErrnoException).code;
        if (!reused || !RESEND_ON.has(code ?? '')) throw error;
      }
    }
  }

  close(): void {
    this.closed = true;
    for (const connection of this.all) connection.destroy();
    this.all.clear();
    this.idle.clear();
  }

  private takeOpen(pool: Connection[]): Connection | undefined {
    for (let connection = pool.pop(); connection; connection = pool.pop()) {
      if (connection.open) return connection;
      this.drop(connection);
    }
    return undefined;
  }

  private drop(connection: Connection): void {
    connection.destroy();
    this.all.delete(connection);
  }
}
