/**
 * Our HTTP/2 server for gRPC (cleartext, prior knowledge), on `node:net`; connection.ts speaks the protocol.
 * Why not `node:http2`: on one connection with 16 streams it costs more per call than our whole REST path (a bare
 * `node:http2` server answering fixed bytes reached ~1.1× a bare `node:http` one, and our REST layer is well past
 * that), so gRPC could not keep up with REST on it. What gRPC needs of HTTP/2 is small: whole unary requests and
 * answers, HPACK (../hpack), flow control, and graceful shutdown.
 */

import { createServer, type Server } from 'node:net';
import { boundPort, listenOn } from '../../listening.js';
import { H2Connection, type H2ConnectionOptions } from './connection.js';

export type H2ServerOptions = Pick<H2ConnectionOptions, 'handler' | 'maxBodyBytes'> &
  Partial<Pick<H2ConnectionOptions, 'maxConcurrentStreams' | 'maxHeaderListBytes'>>;

export class H2Server {
  private readonly connections = new Set<H2Connection>();
  private readonly sweep: NodeJS.Timeout;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    options: H2ConnectionOptions,
  ) {
    server.on('connection', (socket) => {
      const connection = new H2Connection(socket, options);
      this.connections.add(connection);
      socket.on('close', () => this.connections.delete(connection));
    });
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const connection of this.connections) connection.check(now);
    }, 1000);
    this.sweep.unref();
  }

  static async listen(host: string, port: number, options: H2ServerOptions): Promise<H2Server> {
    const server = createServer({ noDelay: true });
    const h2 = new H2Server(server, { maxConcurrentStreams: 256, maxHeaderListBytes: 64 * 1024, ...options });
    await listenOn(server, host, port);
    return h2;
  }

  get port(): number {
    return boundPort(this.server);
  }

  /** GOAWAY to every connection: calls begun are answered (for at most `graceMs`), then every connection closes. */
  close(graceMs = 5000): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => {
        clearTimeout(force);
        clearInterval(this.sweep);
        resolve();
      });
      for (const connection of this.connections) connection.goAway();
      const force = setTimeout(() => {
        for (const connection of this.connections) connection.destroy();
      }, graceMs);
      force.unref();
    });
    return this.closing;
  }
}
