/**
 * One HTTP/2 request stream as the gRPC layer sees it: the request's headers and whole body (bounded), and one
 * `respond` that sends the whole answer — headers, the message, trailers — through the connection, which frames
 * it, respects the peer's flow-control windows and writes it with whatever else is ready.
 */

export interface StreamSink {
  respond(stream: H2Stream, headerBlock: Buffer, data: Buffer | undefined, trailerBlock: Buffer | undefined): void;
}

export class H2Stream {
  /** The request body, once whole; undefined when it outgrew the limit (the rest is read and dropped). */
  body: Buffer | undefined;
  /** Bytes the peer may still send on this stream before we open its window again. */
  receiveWindow: number;
  /** Bytes we may still send on this stream (the peer's window for it). */
  sendWindow: number;
  /** The peer sent END_STREAM (or the body outgrew the limit and is being dropped). */
  remoteEnded = false;
  /** The request went to the handler. */
  dispatched = false;
  oversized = false;
  /** The client reset the stream while its request was being computed: the answer will be dropped. */
  cancelled = false;
  /** The answer went out whole (or the stream was reset): nothing more is sent. */
  done = false;
  /** Body parts as they arrived, and their total. */
  readonly parts: Buffer[] = [];
  received = 0;
  /** An answer waiting for flow-control window: the data still to send and the trailers after it. */
  pending: { data: Buffer; offset: number; trailerBlock: Buffer | undefined } | undefined;

  constructor(
    readonly id: number,
    /** Lower-case names, pseudo-headers included (`:path`, `:method`…). */
    readonly headers: ReadonlyMap<string, string>,
    receiveWindow: number,
    sendWindow: number,
    private readonly sink: StreamSink,
  ) {
    this.receiveWindow = receiveWindow;
    this.sendWindow = sendWindow;
  }

  /** Whether an answer can still be sent (not answered, not reset, connection up). */
  get open(): boolean {
    return !this.done && !this.cancelled;
  }

  /**
   * Sends the answer: `headerBlock` (HPACK, e.g. from encodeHeaderBlock — constant blocks can be encoded once),
   * then `data` in DATA frames, then `trailerBlock`; the last frame ends the stream. Without data and trailers the
   * headers end it (a trailers-only gRPC answer). Ignored once the stream is done.
   */
  respond(headerBlock: Buffer, data?: Buffer, trailerBlock?: Buffer): void {
    this.sink.respond(this, headerBlock, data, trailerBlock);
  }
}
