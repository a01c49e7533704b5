/**
 * The model server's HTTP/1.1 server, on `node:net` (connection.ts does the protocol). Node's `http` module costs
 * about 65 µs of CPU per request on the 2-core machines this runs on — a bare `http` server answering a fixed
 * response reaches ~15k requests/s where a `net` server answering the same bytes reaches ~45k (wrk, 16
 * connections), so the REST API could never pass the first. This layer does what the API needs and nothing else:
 * whole bodies (bounded), keep-alive, pipelining, chunked request bodies, `Expect: 100-continue`, HEAD, timeouts,
 * and a strict parser (request-head.ts).
 *
 * Deadlines are checked by one sweep a second over the open connections, not by a timer per request.
 */

import { createServer, type Server, type Socket } from 'node:net';
import { boundPort, listenOn } from '../../listening.js';
import { type ConnectionOptions, Http1Connection } from './connection.js';

export type Http1ServerOptions = Pick<ConnectionOptions, 'handler' | 'refusal'> &
  Partial<Omit<ConnectionOptions, 'handler' | 'refusal'>> & {
    /** How often deadlines are checked (default 1 s). */
    readonly checkIntervalMs?: number;
  };

const DEFAULTS = {
  maxHeaderBytes: 16 * 1024,
  maxHeaders: 100,
  maxBodyBytes: 64 * 1024 * 1024,
  // Longer than the 60 s idle timeouts of common load balancers, so they close first.
  keepAliveTimeoutMs: 65_000,
  headersTimeoutMs: 60_000,
  requestTimeoutMs: 300_000,
};

export class Http1Server {
  private readonly connections = new Set<Http1Connection>();
  private readonly sweep: NodeJS.Timeout;
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    options: ConnectionOptions,
    checkIntervalMs: number,
  ) {
    server.on('connection', (socket: Socket) => {
      const connection = new Http1Connection(socket, options);
      this.connections.add(connection);
      socket.on('close', () => this.connections.delete(connection));
    });
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const connection of this.connections) if (connection.deadline <= now) connection.expire(now);
    }, checkIntervalMs);
    this.sweep.unref();
  }

  static async listen(host: string, port: number, options: Http1ServerOptions): Promise<Http1Server> {
    // Half-open: a client that shuts down its sending side still gets its answers (as with node:http).
    const server = createServer({ noDelay: true, allowHalfOpen: true });
    const http = new Http1Server(server, { ...DEFAULTS, ...options }, options.checkIntervalMs ?? 1000);
    await listenOn(server, host, port);
    return http;
  }

  get port(): number {
    return boundPort(this.server);
  }

  /**
   * Stops accepting connections; idle ones close now, busy ones after their answer (for at most `graceMs`, then
   * every connection is destroyed); resolves once all are closed.
   */
  close(graceMs = 5000): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        for (const connection of this.connections) connection.socket.destroy();
      }, graceMs);
      force.unref();
      // The sweep goes on until the last connection is gone: it ends lingering ones.
      this.server.close(() => {
        clearInterval(this.sweep);
        clearTimeout(force);
        resolve();
      });
      for (const connection of this.connections) connection.shutDown();
    });
    return this.closed;
  }
}
