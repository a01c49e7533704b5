/**
 * One HTTP/2 connection, server side, cleartext with prior knowledge (RFC 9113 §3.3 — how gRPC clients connect):
 * the client preface, then frames. Requests are gathered per stream (HEADERS + CONTINUATION through one HPACK
 * decoder, DATA up to a byte limit) and handed to the handler whole; a stream's `respond` goes to outbound.ts,
 * which frames the answer within the peer's windows and writes what is ready in one tick at once (a batch of
 * answers on one connection costs one system call).
 *
 * Protocol violations are connection errors (GOAWAY with the RFC's code, then close) or stream errors
 * (RST_STREAM), as RFC 9113 §5.4 classifies them. Our receive windows are opened again as data is consumed: the
 * byte limits per request and per connection, not flow control, bound what a client can make us hold.
 */
import type { Socket } from 'node:net';
import { HpackDecoder } from '../hpack/decoder.js';
import { HpackError } from '../hpack/errors.js';
import {
  DEFAULT_MAX_FRAME_SIZE,
  DEFAULT_WINDOW,
  ErrorCode,
  Flag,
  FRAME_HEADER_BYTES,
  FrameType,
  frame,
  goawayFrame,
  H2ConnectionError,
  H2StreamError,
  MAX_WINDOW,
  PREFACE,
  pingAckFrame,
  rstStreamFrame,
  SETTINGS_ACK,
  Setting,
  settingsFrame,
  windowUpdateFrame,
} from './frames.js';
import { Outbound } from './outbound.js';
import { requestHeaders } from './request-headers.js';
import { H2Stream, type StreamSink } from './stream.js';

export interface H2ConnectionOptions {
  /** Called once per request, when its body is whole or has outgrown `maxBodyBytes`. */
  readonly handler: (stream: H2Stream) => void;
  readonly maxBodyBytes: number;
  readonly maxConcurrentStreams: number;
  readonly maxHeaderListBytes: number;
}

/** What we let a peer send before we open windows again: per stream, and for the connection. */
const STREAM_WINDOW = 1 << 20;
const CONNECTION_WINDOW = 16 << 20;
/** Ids of streams we reset or refused, remembered so that frames the client sent before it knew are ignored. */
const REMEMBERED_RESETS = 1024;
/** How long a client may take to finish its preface, a header block, or a request body it started. */
const STALL_MS = 10_000;
/** How long a connection may stay without streams, or stay unable to write, before it is closed. */
const IDLE_MS = 300_000;
const WRITE_STALL_MS = 30_000;

export class H2Connection implements StreamSink {
  private buffer: Buffer | undefined;
  private prefaceRead = false;
  private settingsRead = false;
  private readonly decoder: HpackDecoder;
  private readonly streams = new Map<number, H2Stream>();
  private lastStreamId = 0;
  /** A header block waiting for CONTINUATION frames. */
  private continuing: { streamId: number; endStream: boolean; parts: Buffer[]; bytes: number } | undefined;
  private readonly resetIds = new Set<number>();
  /** Body bytes held for requests not yet whole, on every stream of the connection. */
  private bufferedBodyBytes = 0;
  private lastFrameAt = Date.now();
  private peerInitialWindow = DEFAULT_WINDOW;
  private receiveWindow = CONNECTION_WINDOW;
  private readonly outbound: Outbound;
  private goingAway = false;
  private failed = false;

  constructor(
    private readonly socket: Socket,
    private readonly options: H2ConnectionOptions,
  ) {
    this.decoder = new HpackDecoder({ maxHeaderListSize: options.maxHeaderListBytes });
    this.outbound = new Outbound(socket, (stream) => this.answered(stream));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.closed());
    this.outbound.queue(
      settingsFrame([
        [Setting.MAX_CONCURRENT_STREAMS, options.maxConcurrentStreams],
        [Setting.INITIAL_WINDOW_SIZE, STREAM_WINDOW],
        [Setting.MAX_HEADER_LIST_SIZE, options.maxHeaderListBytes],
        [Setting.ENABLE_PUSH, 0],
      ]),
    );
    this.outbound.queue(windowUpdateFrame(0, CONNECTION_WINDOW - DEFAULT_WINDOW));
  }

  /** Streams started and not yet finished. */
  get activeStreams(): number {
    return this.streams.size;
  }

  /** Graceful close (GOAWAY, NO_ERROR): streams begun are answered, no new one starts; then the socket closes. */
  goAway(): void {
    if (this.goingAway || this.failed) return;
    this.goingAway = true;
    this.outbound.queue(goawayFrame(this.lastStreamId, ErrorCode.NO_ERROR, 'the server is shutting down'));
    this.endIfIdle();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /**
   * Called by the server's sweep: a client stalled in its preface, a header block or a request body, or a
   * connection that cannot write — the socket does not drain, or answers wait for flow-control window that the
   * client does not open — is closed; one without streams for long is sent away (GOAWAY).
   */
  check(now: number): void {
    if (this.failed) return;
    const quiet = now - this.lastFrameAt;
    const receiving = [...this.streams.values()].some((stream) => !stream.remoteEnded);
    if ((!this.settingsRead || this.continuing !== undefined || receiving) && quiet > STALL_MS)
      this.fail(ErrorCode.PROTOCOL_ERROR, 'the client stalled in the middle of a frame sequence or a request');
    else if (this.outbound.writeBlockedSince !== undefined && now - this.outbound.writeBlockedSince > WRITE_STALL_MS)
      this.destroy();
    else if (this.outbound.windowWait(now).stalledMs > WRITE_STALL_MS) this.destroy();
    else if (this.streams.size === 0 && quiet > IDLE_MS) this.goAway();
  }

  private received(chunk: Buffer): void {
    if (this.failed) return;
    this.lastFrameAt = Date.now();
    let bytes = this.buffer === undefined ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      if (!this.prefaceRead) {
        const seen = Math.min(bytes.length, PREFACE.length);
        if (!bytes.subarray(0, seen).equals(PREFACE.subarray(0, seen))) {
          this.socket.destroy(); // not HTTP/2 with prior knowledge: nothing to answer in a language it speaks
          return;
        }
        if (bytes.length < PREFACE.length) {
          this.buffer = bytes;
          return;
        }
        this.prefaceRead = true;
        bytes = bytes.subarray(PREFACE.length);
      }
      let at = 0;
      while (bytes.length - at >= FRAME_HEADER_BYTES && !this.failed) {
        const length = (bytes[at]! << 16) | (bytes[at + 1]! << 8) | bytes[at + 2]!;
        if (length > DEFAULT_MAX_FRAME_SIZE)
          throw new H2ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `a frame of ${length} bytes (the limit is 16384)`);
        if (bytes.length - at < FRAME_HEADER_BYTES + length) break;
        const type = bytes[at + 3]!;
        const flags = bytes[at + 4]!;
        const streamId = bytes.readUInt32BE(at + 5) & MAX_WINDOW;
        const payload = bytes.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length);
        at += FRAME_HEADER_BYTES + length;
        try {
          this.frame(type, flags, streamId, payload);
        } catch (error) {
          if (!(error instanceof H2StreamError)) throw error;
          this.resetStream(error.streamId, error.code);
        }
      }
      this.buffer = at === bytes.length ? undefined : bytes.subarray(at);
    } catch (error) {
      if (!(error instanceof H2ConnectionError)) throw error;
      this.fail(error.code, error.message);
    }
  }

  private frame(type: number, flags: number, streamId: number, payload: Buffer): void {
    if (!this.settingsRead) {
      if (type !== FrameType.SETTINGS || (flags & Flag.ACK) !== 0)
        throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'the client preface must end with a SETTINGS frame');
      this.settingsRead = true;
    }
    if (this.continuing !== undefined && (type !== FrameType.CONTINUATION || streamId !== this.continuing.streamId))
      throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'a header block was interrupted before END_HEADERS');
    switch (type) {
      case FrameType.DATA:
        this.data(flags, streamId, payload);
        return;
      case FrameType.HEADERS:
        this.headers(flags, streamId, payload);
        return;
      case FrameType.CONTINUATION:
        this.continuation(flags, streamId, payload);
        return;
      case FrameType.PRIORITY:
        if (streamId === 0) throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'PRIORITY on stream 0');
        if (payload.length !== 5) throw new H2StreamError(streamId, ErrorCode.FRAME_SIZE_ERROR, 'PRIORITY size');
        return;
      case FrameType.RST_STREAM:
        this.reset(streamId, payload);
        return;
      case FrameType.SETTINGS:
        this.settings(flags, streamId, payload);
        return;
      case FrameType.PUSH_PROMISE:
        throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'a client cannot push');
      case FrameType.PING:
        if (streamId !== 0) throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'PING on a stream');
        if (payload.length !== 8) throw new H2ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'PING must carry 8 bytes');
        if ((flags & Flag.ACK) === 0) this.outbound.queue(pingAckFrame(payload));
        return;
      case FrameType.GOAWAY:
        if (streamId !== 0) throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'GOAWAY on a stream');
        this.goingAway = true; // the client starts no more streams; those begun are still answered
        this.endIfIdle();
        return;
      case FrameType.WINDOW_UPDATE:
        this.windowUpdate(streamId, payload);
        return;
      default:
        return; // unknown frame types are ignored (RFC 9113 §4.1)
    }
  }

  private headers(flags: number, streamId: number, payload: Buffer): void {
    if (streamId === 0) throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'HEADERS on stream 0');
    let start = 0;
    let end = payload.length;
    if ((flags & Flag.PADDED) !== 0) {
      const padding = payload[0] ?? 0;
      start = 1;
      end -= padding;
    }
    if ((flags & Flag.PRIORITY) !== 0) start += 5;
    if (end < start) throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'HEADERS padding longer than the frame');
    const fragment = payload.subarray(start, end);
    const endStream = (flags & Flag.END_STREAM) !== 0;
    if ((flags & Flag.END_HEADERS) !== 0) this.headerBlock(streamId, endStream, fragment);
    else this.continuing = { streamId, endStream, parts: [Buffer.from(fragment)], bytes: fragment.length };
  }

  private continuation(flags: number, streamId: number, payload: Buffer): void {
    const block = this.continuing;
    if (block === undefined) throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'CONTINUATION without HEADERS');
    block.parts.push(Buffer.from(payload));
    // Frame headers count too: empty CONTINUATION frames must not be free.
    block.bytes += FRAME_HEADER_BYTES + payload.length;
    if (block.bytes > 2 * this.options.maxHeaderListBytes)
      throw new H2ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, 'a header block larger than the advertised limit');
    if ((flags & Flag.END_HEADERS) === 0) return;
    this.continuing = undefined;
    this.headerBlock(streamId, block.endStream, Buffer.concat(block.parts));
  }

  /** A whole header block: a new request, or the trailers of one being received. */
  private headerBlock(streamId: number, endStream: boolean, block: Buffer): void {
    let fields: [string, string][];
    let tooLarge: string | undefined;
    try {
      fields = this.decoder.decode(block);
    } catch (error) {
      if (!(error instanceof HpackError)) throw error;
      if (error.kind === 'compression') throw new H2ConnectionError(ErrorCode.COMPRESSION_ERROR, error.message);
      fields = [];
      tooLarge = error.message;
    }
    const existing = this.streams.get(streamId);
    if (existing !== undefined) {
      if (existing.remoteEnded && !existing.oversized)
        throw new H2StreamError(streamId, ErrorCode.STREAM_CLOSED, 'HEADERS after the end');
      if (!endStream) throw new H2StreamError(streamId, ErrorCode.PROTOCOL_ERROR, 'trailers must end the stream');
      existing.remoteEnded = true;
      if (!existing.dispatched) this.dispatch(existing);
      this.finishIfDone(existing);
      return;
    }
    if (streamId <= this.lastStreamId) {
      if (this.resetIds.has(streamId)) return; // sent before the client learnt of our reset
      throw new H2ConnectionError(ErrorCode.STREAM_CLOSED, `HEADERS on closed stream ${streamId}`);
    }
    if (streamId % 2 === 0) throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, `stream ${streamId} is even`);
    this.lastStreamId = streamId;
    if (this.goingAway) {
      this.remember(streamId); // after GOAWAY new streams are ignored; the client retries them elsewhere
      return;
    }
    if (tooLarge !== undefined) throw new H2StreamError(streamId, ErrorCode.REFUSED_STREAM, tooLarge);
    if (this.streams.size >= this.options.maxConcurrentStreams)
      throw new H2StreamError(streamId, ErrorCode.REFUSED_STREAM, 'too many concurrent streams');
    if (this.outbound.holdsTooMuch())
      throw new H2StreamError(streamId, ErrorCode.REFUSED_STREAM, 'answers wait for windows the client does not open');
    const headers = requestHeaders(streamId, fields);
    const stream = new H2Stream(streamId, headers, STREAM_WINDOW, this.peerInitialWindow, this);
    this.streams.set(streamId, stream);
    if (endStream) {
      stream.remoteEnded = true;
      this.dispatch(stream);
    }
  }

  private data(flags: number, streamId: number, payload: Buffer): void {
    if (streamId === 0) throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'DATA on stream 0');
    this.receiveWindow -= payload.length;
    if (this.receiveWindow < 0)
      throw new H2ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'DATA beyond the connection window');
    if (this.receiveWindow < CONNECTION_WINDOW / 2) {
      this.outbound.queue(windowUpdateFrame(0, CONNECTION_WINDOW - this.receiveWindow));
      this.receiveWindow = CONNECTION_WINDOW;
    }
    const stream = this.streams.get(streamId);
    if (stream === undefined) {
      if (streamId > this.lastStreamId)
        throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, `DATA on idle stream ${streamId}`);
      return; // a stream we reset or finished: frames already in flight are dropped
    }
    if (stream.remoteEnded && !stream.oversized)
      throw new H2StreamError(streamId, ErrorCode.STREAM_CLOSED, 'DATA after the end of the stream');
    stream.receiveWindow -= payload.length;
    if (stream.receiveWindow < 0)
      throw new H2StreamError(streamId, ErrorCode.FLOW_CONTROL_ERROR, 'DATA beyond the stream window');
    let body = payload;
    if ((flags & Flag.PADDED) !== 0) {
      const padding = payload[0] ?? 0;
      if (padding >= payload.length)
        throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'DATA padding longer than the frame');
      body = payload.subarray(1, payload.length - padding);
    }
    const endStream = (flags & Flag.END_STREAM) !== 0;
    if (!stream.oversized) {
      stream.received += body.length;
      if (stream.received > this.options.maxBodyBytes) {
        stream.oversized = true;
        this.release(stream);
        this.dispatch(stream); // answered now (the handler sees no body); the rest is read and dropped
      } else if (this.bufferedBodyBytes + body.length > 2 * this.options.maxBodyBytes) {
        throw new H2StreamError(streamId, ErrorCode.ENHANCE_YOUR_CALM, 'too many request bytes held at once');
      } else if (body.length > 0) {
        stream.parts.push(Buffer.from(body)); // a copy: the read it came in is not kept alive
        this.bufferedBodyBytes += body.length;
      }
    }
    if (endStream) {
      stream.remoteEnded = true;
      if (!stream.dispatched) this.dispatch(stream);
      this.finishIfDone(stream);
    } else if (!stream.done && stream.receiveWindow < STREAM_WINDOW / 2) {
      this.outbound.queue(windowUpdateFrame(streamId, STREAM_WINDOW - stream.receiveWindow));
      stream.receiveWindow = STREAM_WINDOW;
    }
  }

  private reset(streamId: number, payload: Buffer): void {
    if (streamId === 0) throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'RST_STREAM on stream 0');
    if (payload.length !== 4) throw new H2ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'RST_STREAM must carry 4 bytes');
    if (streamId > this.lastStreamId)
      throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, `RST_STREAM on idle stream ${streamId}`);
    const stream = this.streams.get(streamId);
    if (stream === undefined) return;
    // A request still being computed keeps its place among the concurrent streams until its answer is dropped:
    // otherwise opening and resetting streams at once would start unbounded work (CVE-2023-44487).
    if (stream.dispatched && !stream.done) stream.cancelled = true;
    else this.close(stream);
  }

  private settings(flags: number, streamId: number, payload: Buffer): void {
    if (streamId !== 0) throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'SETTINGS on a stream');
    if ((flags & Flag.ACK) !== 0) {
      if (payload.length !== 0)
        throw new H2ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'a SETTINGS ACK with a payload');
      return;
    }
    if (payload.length % 6 !== 0) throw new H2ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'SETTINGS size');
    for (let at = 0; at < payload.length; at += 6) {
      const id = payload.readUInt16BE(at);
      const value = payload.readUInt32BE(at + 2);
      if (id === Setting.INITIAL_WINDOW_SIZE) {
        if (value > MAX_WINDOW)
          throw new H2ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1');
        const delta = value - this.peerInitialWindow;
        this.peerInitialWindow = value;
        for (const stream of this.streams.values()) {
          stream.sendWindow += delta;
          if (stream.sendWindow > MAX_WINDOW)
            throw new H2ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'a stream window above 2^31-1');
        }
      } else if (id === Setting.MAX_FRAME_SIZE) {
        if (value < DEFAULT_MAX_FRAME_SIZE || value > 16_777_215)
          throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, `SETTINGS_MAX_FRAME_SIZE ${value} out of range`);
        this.outbound.peerMaxFrameSize = value;
      } else if (id === Setting.ENABLE_PUSH && value > 1) {
        throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'SETTINGS_ENABLE_PUSH must be 0 or 1');
      }
      // HEADER_TABLE_SIZE: our encoder never indexes, so any size suits it; other settings do not concern us.
    }
    this.outbound.queue(SETTINGS_ACK);
    this.outbound.sendBlocked();
  }

  private windowUpdate(streamId: number, payload: Buffer): void {
    if (payload.length !== 4) throw new H2ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'WINDOW_UPDATE size');
    const increment = payload.readUInt32BE(0) & MAX_WINDOW;
    if (streamId === 0) {
      if (increment === 0) throw new H2ConnectionError(ErrorCode.PROTOCOL_ERROR, 'a WINDOW_UPDATE of 0');
      this.outbound.sendWindow += increment;
      if (this.outbound.sendWindow > MAX_WINDOW)
        throw new H2ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'the connection window above 2^31-1');
    } else {
      const stream = this.streams.get(streamId);
      if (increment === 0) throw new H2StreamError(streamId, ErrorCode.PROTOCOL_ERROR, 'a WINDOW_UPDATE of 0');
      if (stream === undefined) return;
      stream.sendWindow += increment;
      if (stream.sendWindow > MAX_WINDOW)
        throw new H2StreamError(streamId, ErrorCode.FLOW_CONTROL_ERROR, 'the stream window above 2^31-1');
    }
    this.outbound.sendBlocked();
  }

  private dispatch(stream: H2Stream): void {
    stream.dispatched = true;
    if (!stream.oversized)
      stream.body = stream.parts.length === 1 ? stream.parts[0]! : Buffer.concat(stream.parts, stream.received);
    this.release(stream);
    try {
      this.options.handler(stream);
    } catch {
      this.resetStream(stream.id, ErrorCode.INTERNAL_ERROR);
    }
  }

  /** The stream's body parts no longer count as held. */
  private release(stream: H2Stream): void {
    for (const part of stream.parts) this.bufferedBodyBytes -= part.length;
    stream.parts.length = 0;
  }

  respond(stream: H2Stream, headerBlock: Buffer, data: Buffer | undefined, trailerBlock: Buffer | undefined): void {
    if (stream.cancelled) {
      this.close(stream);
      return;
    }
    if (stream.done || this.failed || this.socket.destroyed) return;
    this.outbound.send(stream, headerBlock, data, trailerBlock);
  }

  /** The answer is out: the stream closes, or, if the client is still sending, is reset (RFC 9113 §8.1). */
  private answered(stream: H2Stream): void {
    stream.done = true;
    if (!stream.remoteEnded) this.resetStream(stream.id, ErrorCode.NO_ERROR);
    else this.finishIfDone(stream);
  }

  private finishIfDone(stream: H2Stream): void {
    if (stream.done && stream.remoteEnded) this.close(stream);
  }

  private resetStream(streamId: number, code: number): void {
    this.outbound.queue(rstStreamFrame(streamId, code));
    this.remember(streamId);
    const stream = this.streams.get(streamId);
    if (stream !== undefined) this.close(stream);
  }

  private remember(streamId: number): void {
    this.resetIds.add(streamId);
    if (this.resetIds.size > REMEMBERED_RESETS) this.resetIds.delete(this.resetIds.values().next().value!);
  }

  private close(stream: H2Stream): void {
    stream.done = true;
    stream.pending = undefined;
    this.release(stream);
    this.streams.delete(stream.id);
    this.endIfIdle();
  }

  private endIfIdle(): void {
    if (this.goingAway && this.streams.size === 0) {
      this.outbound.flush();
      this.socket.end();
    }
  }

  /** A connection error: GOAWAY with the code and why, then the connection closes. */
  private fail(code: number, message: string): void {
    this.outbound.queue(goawayFrame(this.lastStreamId, code, message));
    this.outbound.flush();
    this.failed = true;
    for (const stream of this.streams.values()) stream.done = true;
    this.streams.clear();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private closed(): void {
    this.failed = true;
    for (const stream of this.streams.values()) stream.done = true;
    this.streams.clear();
  }
}
