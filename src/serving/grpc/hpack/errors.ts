/**
 * A header block HPACK cannot accept. `compression`: the block is malformed (RFC 7541), a connection error of type
 * COMPRESSION_ERROR in HTTP/2 terms, since the dynamic table can no longer be trusted to match the peer's.
 * `too-large`: the block decoded (the dynamic table is in step) but its header list exceeds the limit we advertise
 * (RFC 9113 §6.5.2, §10.5.1): only that stream need be refused.
 */
export class HpackError extends Error {
  constructor(
    readonly kind: 'compression' | 'too-large',
    message: string,
  ) {
    super(message);
    this.name = 'HpackError';
  }
}
