/**
 * A unary-only gRPC server on our HTTP/2 layer (h2/, "gRPC over HTTP2", grpc/grpc doc/PROTOCOL-HTTP2.md):
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
import { errorMessage, OspreyError } from '../../core/errors.js';
import { MAX_TIMER_MS } from '../../core/time.js';
import { H2Server } from './h2/server.js';
import type { H2Stream } from './h2/stream.js';
import { encodeHeaderBlock } from './hpack/encoder.js';

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

const RESPONSE_FIELDS: readonly (readonly [string, string])[] = [
  [':status', '200'],
  ['content-type', 'application/grpc+proto'],
];
/** The blocks every successful call sends: encoded once (the encoder never indexes, so they suit any connection). */
const OK_HEADERS = encodeHeaderBlock(RESPONSE_FIELDS);
const OK_TRAILERS = encodeHeaderBlock([['grpc-status', '0']]);

export async function startUnaryServer(
  host: string,
  port: number,
  options: UnaryServerOptions,
): Promise<RunningUnaryServer> {
  let server: H2Server;
  try {
    server = await H2Server.listen(host, port, {
      handler: (stream) => handleStream(stream, options),
      maxBodyBytes: options.maxMessageBytes + 5,
    });
  } catch (error) {
    throw new OspreyError('UNAVAILABLE', `cannot listen for gRPC on ${host}:${port}: ${errorMessage(error)}`);
  }
  return { port: server.port, close: (graceMs = 5000) => server.close(graceMs) };
}

function handleStream(stream: H2Stream, options: UnaryServerOptions): void {
  const refusal = refuse(stream.headers, options);
  if (refusal !== undefined) {
    if (typeof refusal === 'number') stream.respond(encodeHeaderBlock([[':status', String(refusal)]]));
    else fail(stream, refusal);
    return;
  }
  if (stream.body === undefined) {
    fail(stream, {
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      message: `the request message is larger than the limit of ${options.maxMessageBytes} bytes`,
    });
    return;
  }
  const method = options.methods.get(stream.headers.get(':path') ?? '')!;
  const deadline = parseTimeout(stream.headers.get('grpc-timeout'));
  const message = unframe(stream.body);
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
}

/** Why a call is refused before its message is read: an HTTP status, or a gRPC status; undefined to go on. */
function refuse(headers: ReadonlyMap<string, string>, options: UnaryServerOptions): number | CallError | undefined {
  if (headers.get(':method') !== 'POST') return 405;
  const contentType = headers.get('content-type');
  if (contentType === undefined || !contentType.startsWith('application/grpc')) return 415;
  const path = headers.get(':path') ?? '';
  if (!options.methods.has(path)) return { code: GrpcStatus.UNIMPLEMENTED, message: `unknown method ${path}` };
  const encoding = headers.get('grpc-encoding');
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

function succeed(stream: H2Stream, answer: Buffer, framed: boolean): void {
  let frame = answer;
  if (!framed) {
    frame = Buffer.allocUnsafe(5 + answer.byteLength);
    frame[0] = 0;
    frame.writeUInt32BE(answer.byteLength, 1);
    answer.copy(frame, 5);
  }
  stream.respond(OK_HEADERS, frame, OK_TRAILERS);
}

/** A trailers-only response. */
function fail(stream: H2Stream, error: CallError): void {
  if (!stream.open) return;
  stream.respond(
    encodeHeaderBlock([
      ...RESPONSE_FIELDS,
      ...Object.entries(error.trailers ?? {}),
      ['grpc-status', String(error.code)],
      ['grpc-message', encodeGrpcMessage(error.message)],
    ]),
  );
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

/**
 * `grpc-timeout` (e.g. `100m`, `5S`) in milliseconds; undefined when absent or malformed, or longer than a timer can
 * wait (up to 99999999H is valid: about 11,000 years).
 */
function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (match === null) return undefined;
  const ms = Math.max(0, Math.ceil(Number(match[1]) * TIMEOUT_UNITS[match[2]!]!));
  return ms <= MAX_TIMER_MS ? ms : undefined;
}
