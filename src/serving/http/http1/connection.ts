/**
 * One HTTP/1.1 connection: requests are read (head, then the body framed by Content-Length or chunked), handed to
 * the route handler one at a time, and answered in order — pipelined requests wait in the read buffer, which is
 * bounded by pausing the socket. Keep-alive as the request asks (HTTP/1.1: unless `Connection: close`; HTTP/1.0:
 * only with `Connection: keep-alive`). A request the protocol refuses (HttpProtocolError) is answered with its
 * status and the connection closed after it, reading and dropping what the client still sends for a moment so that
 * the answer is not lost to a reset. Deadlines (waiting for a head, a whole request, the next request) are checked
 * by the server's sweep through `expire`.
 */
import type { Socket } from 'node:net';
import { ChunkedBody } from './chunked-body.js';
import { HttpProtocolError } from './protocol-error.js';
import { parseRequestHead, type RequestHead } from './request-head.js';
import { type HttpResponse, writeResponse } from './response.js';

export interface HttpRequest {
  readonly method: string;
  /** The request target as sent: path and query. */
  readonly target: string;
  /** Lower-case names; a repeated field's values joined by ", ". */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

export type HttpHandler = (request: HttpRequest) => HttpResponse | Promise<HttpResponse>;

export interface ConnectionOptions {
  readonly handler: HttpHandler;
  /** The response to a request refused by the protocol layer (a malformed head, a body over the limit…). */
  readonly refusal: (status: number, message: string) => HttpResponse;
  readonly maxHeaderBytes: number;
  readonly maxHeaders: number;
  readonly maxBodyBytes: number;
  /** Idle time allowed between requests. */
  readonly keepAliveTimeoutMs: number;
  /** Time allowed from a request's first byte to the end of its head. */
  readonly headersTimeoutMs: number;
  /** Time allowed from a request's first byte to the end of its body. */
  readonly requestTimeoutMs: number;
}

/** Unparsed bytes kept while a request is being answered before the socket is paused. */
const PIPELINE_BUFFER_BYTES = 64 * 1024;
/** How long a connection that is closing keeps reading (and dropping) what the client sends. */
const LINGER_MS = 2000;
/** Empty lines accepted before a request line (RFC 9112 §2.2 asks for at least one). */
const MAX_LEADING_EMPTY_LINES = 8;

export class Http1Connection {
  /** When the current wait ends (epoch ms); Infinity while a handler runs. */
  deadline: number;
  private pending: Buffer | undefined;
  private headSearchFrom = 0;
  private head: RequestHead | undefined;
  private requestStarted = 0;
  private leadingEmptyLines = 0;
  private lengthBody: { parts: Buffer[]; filled: number } | undefined;
  private chunked: ChunkedBody | undefined;
  private busy = false;
  private dispatching = false;
  private closing = false;
  private finished = false;
  /** The client closed its side: requests already received are answered, then ours closes. */
  private clientEnded = false;
  /** `socket.bytesWritten` when the deadline was last checked: a response still draining is not cut off. */
  private writtenAtCheck = 0;

  constructor(
    readonly socket: Socket,
    private readonly options: ConnectionOptions,
  ) {
    this.deadline = Date.now() + options.headersTimeoutMs;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('end', () => {
      this.clientEnded = true;
      if (!this.busy) this.parse();
    });
    socket.on('error', () => socket.destroy());
  }

  /** Between requests, with nothing half-received. */
  get idle(): boolean {
    return !this.busy && this.head === undefined && this.pending === undefined;
  }

  /** The server is closing: an idle connection closes now; a busy one after its answer; a half-received request is dropped. */
  shutDown(): void {
    this.closing = true;
    if (this.busy) return;
    if (this.socket.writableLength > 0) this.finish();
    else this.socket.destroy();
  }

  /**
   * Called by the server's sweep once `deadline` has passed. A response still going out (the client reading,
   * however slowly) earns another period; otherwise an idle or closing connection is closed and a request that
   * stopped halfway is answered 408.
   */
  expire(now: number): void {
    const written = this.socket.bytesWritten;
    if (this.socket.writableLength > 0 && written !== this.writtenAtCheck) {
      this.writtenAtCheck = written;
      this.deadline = now + (this.finished ? LINGER_MS : this.options.keepAliveTimeoutMs);
    } else if (this.finished || this.idle) this.socket.destroy();
    else if (!this.busy) this.refuse(new HttpProtocolError(408, 'the request was not received in time'));
  }

  private received(chunk: Buffer): void {
    if (this.finished) return; // lingering: dropped
    if (this.pending === undefined && this.head === undefined && !this.busy) this.startRequest(Date.now());
    this.pending = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.busy) {
      if (this.pending.length > PIPELINE_BUFFER_BYTES) this.socket.pause();
      return;
    }
    this.parse();
  }

  private startRequest(now: number): void {
    this.requestStarted = now;
    this.deadline = now + this.options.headersTimeoutMs;
  }

  private parse(): void {
    try {
      while (!this.busy && !this.finished && (this.pending !== undefined || this.head !== undefined)) {
        if (this.head === undefined ? !this.readHead() : !this.readBody()) break;
      }
    } catch (error) {
      if (!(error instanceof HttpProtocolError)) throw error;
      this.refuse(error);
    }
    // A client that closed its side gets the answers to what it sent whole; a request it left unfinished is dropped.
    if (this.clientEnded && !this.busy && !this.finished) this.finish();
  }

  private readHead(): boolean {
    // RFC 9112 §2.2: a few empty lines before a request line are ignored.
    while (this.pending !== undefined && this.pending[0] === 13 && this.pending[1] === 10) {
      if (++this.leadingEmptyLines > MAX_LEADING_EMPTY_LINES)
        throw new HttpProtocolError(400, 'too many empty lines before the request line');
      this.take(2);
    }
    const bytes = this.pending;
    if (bytes === undefined) return false;
    const end = bytes.indexOf('\r\n\r\n', this.headSearchFrom, 'latin1');
    if (end === -1) {
      if (bytes.length > this.options.maxHeaderBytes)
        throw new HttpProtocolError(431, `the request head is larger than ${this.options.maxHeaderBytes} bytes`);
      if (bytes.indexOf('\n\n', 0, 'latin1') !== -1)
        throw new HttpProtocolError(400, 'request head lines must end with CRLF');
      this.headSearchFrom = Math.max(0, bytes.length - 3);
      return false;
    }
    if (end > this.options.maxHeaderBytes)
      throw new HttpProtocolError(431, `the request head is larger than ${this.options.maxHeaderBytes} bytes`);
    const head = parseRequestHead(bytes.toString('latin1', 0, end), this.options);
    this.take(end + 4);
    this.leadingEmptyLines = 0;
    this.headSearchFrom = 0;
    this.head = head;
    this.deadline = this.requestStarted + this.options.requestTimeoutMs;
    if (head.body.kind === 'length' && head.body.length > this.options.maxBodyBytes)
      throw new HttpProtocolError(
        413,
        `the request body is larger than the limit of ${this.options.maxBodyBytes} bytes`,
      );
    if (head.body.kind === 'chunked') this.chunked = new ChunkedBody(this.options.maxBodyBytes);
    const hasBody = head.body.kind === 'chunked' || head.body.length > 0;
    if (head.expectContinue && hasBody && this.pending === undefined)
      this.socket.write('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
    return true;
  }

  private readBody(): boolean {
    const head = this.head!;
    let body: Buffer;
    if (head.body.kind === 'chunked') {
      if (this.pending === undefined) return false;
      const end = this.chunked!.push(this.pending, 0);
      if (end === -1) {
        this.pending = undefined;
        return false;
      }
      body = this.chunked!.body();
      this.chunked = undefined;
      this.take(end);
    } else {
      const length = head.body.length;
      const bytes = this.pending;
      if (this.lengthBody === undefined && (bytes?.length ?? 0) >= length) {
        body = length === 0 ? Buffer.alloc(0) : bytes!.subarray(0, length);
        this.take(length);
      } else {
        // Parts as they arrive (views of the socket's reads, all body but the last), joined once whole.
        if (bytes === undefined) return false;
        this.lengthBody ??= { parts: [], filled: 0 };
        const into = this.lengthBody;
        const part = bytes.subarray(0, Math.min(bytes.length, length - into.filled));
        into.parts.push(part);
        into.filled += part.length;
        this.take(part.length);
        if (into.filled < length) return false;
        body = Buffer.concat(into.parts, length);
        this.lengthBody = undefined;
      }
    }
    this.head = undefined;
    this.dispatch(head, body);
    return true;
  }

  private take(bytes: number): void {
    const pending = this.pending;
    this.pending = pending === undefined || bytes >= pending.length ? undefined : pending.subarray(bytes);
  }

  private dispatch(head: RequestHead, body: Buffer): void {
    if (this.closing) throw new HttpProtocolError(503, 'the server is shutting down');
    this.busy = true;
    this.deadline = Number.POSITIVE_INFINITY;
    const request: HttpRequest = { method: head.method, target: head.target, headers: head.headers, body };
    this.dispatching = true;
    try {
      const answer = this.options.handler(request);
      if (answer instanceof Promise)
        answer.then(
          (response) => this.respond(head, response),
          (error: unknown) => this.respond(head, this.internalError(error)),
        );
      else this.respond(head, answer);
    } catch (error) {
      this.respond(head, this.internalError(error));
    } finally {
      this.dispatching = false;
    }
  }

  private respond(head: RequestHead, response: HttpResponse): void {
    if (this.socket.destroyed) return;
    const keepAlive = head.keepAlive && !this.closing;
    let flowing: boolean;
    try {
      flowing = writeResponse(this.socket, response, {
        keepAlive,
        http10: head.minorVersion === 0,
        headOnly: head.method === 'HEAD',
      });
    } catch (error) {
      flowing = writeResponse(this.socket, this.internalError(error), {
        keepAlive,
        http10: head.minorVersion === 0,
        headOnly: false,
      });
    }
    this.busy = false;
    if (!keepAlive) {
      this.finish();
      return;
    }
    if (this.pending === undefined) this.deadline = Date.now() + this.options.keepAliveTimeoutMs;
    else this.startRequest(Date.now());
    if (!flowing) {
      this.socket.pause();
      this.socket.once('drain', () => this.resume());
    } else if (!this.dispatching) this.resume();
  }

  private resume(): void {
    if (this.finished || this.socket.destroyed) return;
    if (this.socket.isPaused()) this.socket.resume();
    this.parse();
  }

  /** Answers a refused request and closes the connection after it. */
  private refuse(error: HttpProtocolError): void {
    if (this.socket.destroyed) return;
    writeResponse(this.socket, this.options.refusal(error.status, error.message), {
      keepAlive: false,
      http10: false,
      headOnly: false,
    });
    this.finish();
  }

  private finish(): void {
    this.finished = true;
    this.pending = undefined;
    this.head = undefined;
    this.lengthBody = undefined;
    this.chunked = undefined;
    this.socket.end();
    if (this.socket.isPaused()) this.socket.resume();
    this.deadline = Date.now() + LINGER_MS;
  }

  private internalError(error: unknown): HttpResponse {
    return this.options.refusal(500, `internal error: ${error instanceof Error ? error.message : String(error)}`);
  }
}
