/**
 * What a route answers, and how it goes onto the socket: the head (status line, the route's fields, then
 * content-length, date and connection) in the same write as the body — one `write` of a string body or of the head
 * and Buffer bodies copied together (up to 64 KB), else one `writev` of the head and the Buffers.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

export interface HttpResponse {
  readonly status: number;
  /** Fields other than content-length, date and connection, with lower-case names. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as UTF-8. */
  readonly body: string | Uint8Array | readonly Uint8Array[];
}

export interface WriteOptions {
  /** The connection stays open after this response. */
  readonly keepAlive: boolean;
  /** The request was HTTP/1.0 (keep-alive is then said explicitly). */
  readonly http10: boolean;
  /** A HEAD request: the head only, with the length the body would have. */
  readonly headOnly: boolean;
}

const FORBIDDEN_IN_FIELD = /[\r\n\0]/;
/** Bodies of Buffers up to this size go out in one write with the head, copied together. */
const JOINED_WRITE_BYTES = 64 * 1024;

/** Writes the response; false when the socket asks the writer to wait for `drain`. */
export function writeResponse(socket: Socket, response: HttpResponse, options: WriteOptions): boolean {
  const body = response.body;
  const parts = typeof body === 'string' ? undefined : body instanceof Uint8Array ? [body] : body;
  const length = parts === undefined ? Buffer.byteLength(body as string) : parts.reduce((n, b) => n + b.byteLength, 0);
  const head = responseHead(response, length, options);
  if (options.headOnly) return socket.write(head, 'latin1');
  if (parts === undefined) return socket.write(head + (body as string));
  if (length <= JOINED_WRITE_BYTES) {
    // Copying a few kilobytes into one Buffer costs less than the stream's writev path (cork, chunk list, writev).
    const joined = Buffer.allocUnsafe(head.length + length);
    let offset = joined.write(head, 0, 'latin1');
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.byteLength;
    }
    return socket.write(joined);
  }
  socket.cork();
  socket.write(head, 'latin1');
  let flowing = true;
  for (const part of parts) flowing = socket.write(part);
  socket.uncork();
  return flowing;
}

function responseHead(response: HttpResponse, length: number, options: WriteOptions): string {
  let head = `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? 'Unknown'}\r\n`;
  const headers = response.headers;
  if (headers !== undefined)
    for (const name in headers) {
      const value = headers[name]!;
      if (FORBIDDEN_IN_FIELD.test(value) || FORBIDDEN_IN_FIELD.test(name))
        throw new Error(`response header ${JSON.stringify(name)} holds a CR, LF or NUL`);
      head += `${name}: ${value}\r\n`;
    }
  head += `content-length: ${length}\r\ndate: ${httpDate()}\r\n`;
  if (!options.keepAlive) head += 'connection: close\r\n';
  else if (options.http10) head += 'connection: keep-alive\r\n';
  return `${head}\r\n`;
}

let dateSecond = 0;
let dateText = '';

/** The Date field (RFC 9110 §6.6.1), formatted once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = now - (now % 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second).toUTCString();
  }
  return dateText;
}
