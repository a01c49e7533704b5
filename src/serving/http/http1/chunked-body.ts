/**
 * A chunked request body (RFC 9112 §7.1), decoded as its bytes arrive in any split: size lines (hex, with
 * extensions ignored), data, the CRLF after each chunk, the last chunk, then trailer fields (read and dropped).
 * The size is bounded as it grows, framing included (size lines and their extensions count), so that a client
 * cannot make us read without limit; data is copied out of the socket's reads, so nothing it did not count is
 * kept alive.
 */
import { HttpProtocolError } from './protocol-error.js';

const SIZE_LINE = /^([0-9a-fA-F]{1,8})(?:[ \t]*;.*)?$/;
const MAX_LINE_BYTES = 4096;
const MAX_TRAILER_BYTES = 16 * 1024;

export class ChunkedBody {
  private state: 'size' | 'data' | 'data-end' | 'trailer' = 'size';
  private line = '';
  private remaining = 0;
  private trailerBytes = 0;
  private readonly parts: Buffer[] = [];
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  /** Reads from `start`: the offset just past the body when it ended in `bytes`, otherwise -1 (all was consumed). */
  push(bytes: Buffer, start: number): number {
    let at = start;
    while (at < bytes.length) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, bytes.length - at);
        this.parts.push(Buffer.from(bytes.subarray(at, at + take)));
        this.remaining -= take;
        at += take;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      const newline = bytes.indexOf(10, at);
      const end = newline === -1 ? bytes.length : newline + 1;
      this.line += bytes.toString('latin1', at, end);
      if (this.state === 'trailer') this.trailerBytes += end - at;
      this.count(end - at);
      at = end;
      if (this.line.length > MAX_LINE_BYTES || this.trailerBytes > MAX_TRAILER_BYTES)
        throw new HttpProtocolError(400, 'a chunked body line is too long');
      if (newline === -1) return -1;
      if (!this.line.endsWith('\r\n')) throw new HttpProtocolError(400, 'a chunked body line does not end with CRLF');
      const line = this.line.slice(0, -2);
      this.line = '';
      if (this.lineRead(line)) return at;
    }
    return -1;
  }

  /** The decoded body (after `push` returned an offset). */
  body(): Buffer {
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
  }

  /** Counts bytes read (data or framing) against the limit. */
  private count(bytes: number): void {
    this.total += bytes;
    if (this.total > this.maxBytes)
      throw new HttpProtocolError(413, `the request body is larger than the limit of ${this.maxBytes} bytes`);
  }

  /** True at the blank line that ends the trailer section. */
  private lineRead(line: string): boolean {
    if (this.state === 'data-end') {
      if (line !== '') throw new HttpProtocolError(400, 'chunk data longer than its declared size');
      this.state = 'size';
      return false;
    }
    if (this.state === 'trailer') return line === '';
    const size = SIZE_LINE.exec(line);
    if (size === null)
      throw new HttpProtocolError(400, `malformed chunk size line ${JSON.stringify(line.slice(0, 40))}`);
    const length = Number.parseInt(size[1]!, 16);
    this.count(length);
    if (length === 0) this.state = 'trailer';
    else {
      this.remaining = length;
      this.state = 'data';
    }
    return false;
  }
}
