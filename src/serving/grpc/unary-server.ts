/**
 * A unary-only gRPC server straight on `node:http2` ("gRPC over HTTP2", grpc/grpc doc/PROTOCOL-HTTP2.md):
 * a request is a POST to `/<service>/<method>` with `content-type: application/grpc…` carrying one
 * length-prefixed message; the response is HEADERS, one length-prefixed message and trailers with
 * `grpc-status`, or a trailers-only response for an error (`grpc-status`, percent-encoded `grpc-message`).
 *
 * Why not @grpc/grpc-js's Server: per call it builds interceptor chains, metadata objects and channelz records
 * that cost about half of the server's CPU on a small model (measured: its ModelInfer ran at half the rate of a
 * bare http2 handler on one connection). Clients are unaffected: @grpc/grpc-js, Triton's and KServe's clients
 * speak the same wire protocol.
 *
 * Supported: identity encoding only (a compressed request is UNIMPLEMENTED, answered with
 * `grpc-accept-encoding: identity`), `grpc-timeout` (DEADLINE_EXCEEDED when the answer is later), a bound on the
 * request message size (RESOURCE_EXHAUSTED), client cancellation (the answer is dropped).
 */
import {
  createServer,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
  type ServerStreamResponseOptions,
} from 'node:http2';
import { errorMessage, OspreyError } from '../../core/errors.js';

/** gRPC status codes (grpc/grpc doc/statuscodes.md) used by the transport itself. */
export const GrpcStatus = {
  OK: 0,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
} as const;

/** How a call ends in error: a status code, a message, extra trailers (e.g. `retry-after`). */
export interface CallError {
  readonly code: number;
  readonly message: string;
  readonly trailers?: Readonly<Record<string, string>>;
}

/** One unary method: decode the request bytes, answer (bytes), or throw; `toCallError` maps what is thrown. */
export interface UnaryMethod {
  handle(request: Buffer): Buffer | Promise<Buffer>;
  /** The answer is already a whole gRPC frame (the 5-byte prefix, then the message): sent as it is, not copied. */
  readonly framed?: boolean;
}

export interface UnaryServerOptions {
  /** Methods by full path, e.g. `/inference.GRPCInferenceService/ModelInfer`. */
  readonly methods: ReadonlyMap<string, UnaryMethod>;
  /** Largest request message accepted. */
  readonly maxMessageBytes: number;
  /** Maps anything a method throws to a status. */
  readonly toCallError: (error: unknown) => CallError;
}

export interface RunningUnaryServer {
  readonly port: number;
  /** Stops accepting calls, lets those started finish (at most `graceMs`), then closes every connection. */
  close(graceMs?: number): Promise<void>;
}

const RESPONSE_HEADERS = { ':status': 200, 'content-type': 'application/grpc+proto' } as const;
const OK_TRAILERS = { 'grpc-status': '0' } as const;

export async function startUnaryServer(
  host: string,
  port: number,
  options: UnaryServerOptions,
): Promise<RunningUnaryServer> {
  const server: Http2Server = createServer({ maxSessionMemory: 64 });
  const sessions = new Set<Http2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => {}); // a broken connection ends its calls; the server goes on
  });
  server.on('stream', (stream, headers) => handleStream(stream, headers, options));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new OspreyError('UNAVAILABLE', `cannot listen for gRPC on ${host}:${port}: ${errorMessage(error)}`)),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.close(); // GOAWAY: calls in progress finish, no new ones
        setTimeout(() => {
          for (const session of sessions) session.destroy();
        }, graceMs).unref();
      }),
  };
}

function handleStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, options: UnaryServerOptions): void {
  stream.on('error', () => {}); // a reset by the client: nothing to answer
  const refusal = refuse(headers, options);
  if (refusal !== undefined) {
    if (typeof refusal === 'number') respondHttp(stream, refusal);
    else fail(stream, refusal);
    return;
  }
  const method = options.methods.get(headers[':path'] ?? '')!;
  const deadline = parseTimeout(headers['grpc-timeout']);
  const limit = options.maxMessageBytes + 5;
  const chunks: Buffer[] = [];
  let received = 0;
  let refused = false;
  stream.on('data', (chunk: Buffer) => {
    if (refused) return;
    received += chunk.byteLength;
    if (received > limit) {
      refused = true;
      chunks.length = 0;
      fail(stream, {
        code: GrpcStatus.RESOURCE_EXHAUSTED,
        message: `the request message is larger than the limit of ${options.maxMessageBytes} bytes`,
      });
    } else chunks.push(chunk);
  });
  stream.on('end', () => {
    if (refused) return;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
    const message = unframe(body);
    if (typeof message === 'string') {
      fail(stream, { code: GrpcStatus.INTERNAL, message });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    if (deadline !== undefined)
      timer = setTimeout(
        () => fail(stream, { code: GrpcStatus.DEADLINE_EXCEEDED, message: 'the deadline passed before the answer' }),
        deadline,
      );
    let answer: Buffer | Promise<Buffer>;
    try {
      answer = method.handle(message);
    } catch (error) {
      if (timer !== undefined) clearTimeout(timer);
      fail(stream, options.toCallError(error));
      return;
    }
    if (answer instanceof Promise)
      answer.then(
        (bytes) => {
          if (timer !== undefined) clearTimeout(timer);
          succeed(stream, bytes, method.framed === true);
        },
        (error: unknown) => {
          if (timer !== undefined) clearTimeout(timer);
          fail(stream, options.toCallError(error));
        },
      );
    else {
      if (timer !== undefined) clearTimeout(timer);
      succeed(stream, answer, method.framed === true);
    }
  });
}

/** Why a call is refused before its message is read: an HTTP status, or a gRPC status; undefined to go on. */
function refuse(headers: IncomingHttpHeaders, options: UnaryServerOptions): number | CallError | undefined {
  if (headers[':method'] !== 'POST') return 405;
  const contentType = headers['content-type'];
  if (typeof contentType !== 'string' || !contentType.startsWith('application/grpc')) return 415;
  if (!options.methods.has(headers[':path'] ?? ''))
    return { code: GrpcStatus.UNIMPLEMENTED, message: `unknown method ${headers[':path']}` };
  const encoding = headers['grpc-encoding'];
  if (encoding !== undefined && encoding !== 'identity')
    return {
      code: GrpcStatus.UNIMPLEMENTED,
      message: `grpc-encoding ${String(encoding)} is not supported: send uncompressed messages`,
      trailers: { 'grpc-accept-encoding': 'identity' },
    };
  return undefined;
}

/** The one message of a unary request, or a reason it is not one. */
function unframe(body: Buffer): Buffer | string {
  if (body.byteLength < 5) return 'the request holds no message';
  if (body[0] !== 0) return 'the request message is compressed but no grpc-encoding was agreed';
  const length = body.readUInt32BE(1);
  if (length !== body.byteLength - 5)
    return length < body.byteLength - 5 ? 'a unary call takes one request message' : 'the request message is cut off';
  return body.subarray(5);
}

function succeed(stream: ServerHttp2Stream, answer: Buffer, framed: boolean): void {
  if (stream.destroyed || stream.headersSent) return;
  let frame = answer;
  if (!framed) {
    frame = Buffer.allocUnsafe(5 + answer.byteLength);
    frame[0] = 0;
    frame.writeUInt32BE(answer.byteLength, 1);
    answer.copy(frame, 5);
  }
  stream.respond(RESPONSE_HEADERS, RESPOND_OPTIONS);
  stream.on('wantTrailers', sendOkTrailers); // emitted once per stream
  stream.end(frame);
}

/**
 * No `date` header: gRPC has no use for it, and it costs a header per call (`sendDate` is an option of Node's
 * respond() that @types/node does not list).
 */
const RESPOND_OPTIONS: ServerStreamResponseOptions = Object.freeze({ waitForTrailers: true, sendDate: false });
const FAIL_OPTIONS: ServerStreamResponseOptions = Object.freeze({ endStream: true, sendDate: false });

/** `wantTrailers` listener (`this` is the stream): one function for every call, no closure per call. */
function sendOkTrailers(this: ServerHttp2Stream): void {
  this.sendTrailers(OK_TRAILERS);
}

/** A trailers-only response. */
function fail(stream: ServerHttp2Stream, error: CallError): void {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond(
    {
      ...RESPONSE_HEADERS,
      ...error.trailers,
      'grpc-status': String(error.code),
      'grpc-message': encodeGrpcMessage(error.message),
    },
    FAIL_OPTIONS,
  );
}

function respondHttp(stream: ServerHttp2Stream, status: number): void {
  if (stream.destroyed || stream.headersSent) return;
  stream.respond({ ':status': status }, { endStream: true });
}

/** grpc-message is percent-encoded: every byte outside printable ASCII, and '%' itself. */
export function encodeGrpcMessage(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    if (byte >= 0x20 && byte <= 0x7e && byte !== 0x25) out += String.fromCharCode(byte);
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const TIMEOUT_UNITS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

/** `grpc-timeout` (e.g. `100m`, `5S`) in milliseconds; undefined when absent or malformed. */
function parseTimeout(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (match === null) return undefined;
  return Math.max(0, Math.ceil(Number(match[1]) * TIMEOUT_UNITS[match[2]!]!));
}
