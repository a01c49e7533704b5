/**
 * The sending half of an HTTP/2 connection: an answer is framed — HEADERS (and CONTINUATION beyond the peer's
 * frame size), DATA within the peer's connection and stream windows, then trailers — and what the windows do not
 * allow yet waits until a WINDOW_UPDATE or SETTINGS change opens them. Frames queued in one tick leave in one
 * write; output piling up beyond a bound pauses reading until the socket drains.
 */
import type { Socket } from 'node:net';
import { DEFAULT_MAX_FRAME_SIZE, DEFAULT_WINDOW, Flag, FRAME_HEADER_BYTES, FrameType, frame } from './frames.js';
import type { H2Stream } from './stream.js';

/** Output queued beyond this pauses reading until the socket drains. */
const WRITE_BUFFER_LIMIT = 4 << 20;
/** Answer bytes waiting for a peer's flow-control windows beyond which the connection takes no new stream. */
const MAX_HELD_ANSWER_BYTES = 32 << 20;

const NONE_WAITING = { answers: 0, bytes: 0, stalledMs: 0 } as const;

export class Outbound {
  /** Bytes we may still send on the connection (the peer's connection window). */
  sendWindow = DEFAULT_WINDOW;
  peerMaxFrameSize = DEFAULT_MAX_FRAME_SIZE;
  /** Since when reading is paused because the peer does not read what we write. */
  writeBlockedSince: number | undefined;
  /** Streams whose answers wait for window, in the order they were answered. */
  private blocked: H2Stream[] = [];
  /** Since when answers have waited for window with none of them moving (undefined: none waits). */
  private windowWaitSince: number | undefined;
  private output: Buffer[] = [];
  private outputBytes = 0;
  private flushScheduled = false;

  constructor(
    private readonly socket: Socket,
    /** Called once a stream's answer is out whole. */
    private readonly answered: (stream: H2Stream) => void,
  ) {}

  /** Sends an answer: headers, then what flow control allows of the data and trailers; the rest waits. */
  send(stream: H2Stream, headerBlock: Buffer, data: Buffer | undefined, trailerBlock: Buffer | undefined): void {
    const ends = data === undefined && trailerBlock === undefined;
    this.headerFrames(stream.id, headerBlock, ends);
    if (ends) {
      this.answered(stream);
      return;
    }
    stream.pending = { data: data ?? Buffer.alloc(0), offset: 0, trailerBlock };
    if (this.sendPending(stream)) return;
    if (this.waitingAnswers() === 0) this.windowWaitSince = Date.now();
    this.blocked.push(stream);
  }

  /**
   * Answers waiting for the peer to open its flow-control windows: how many, the bytes they hold, and for how long
   * none of them has moved (0 when none waits). A peer that never opens them holds those answers until the
   * connection's sweep closes it.
   */
  windowWait(now: number): { answers: number; bytes: number; stalledMs: number } {
    const answers = this.waitingAnswers();
    if (answers === 0) return NONE_WAITING;
    return { answers, bytes: this.heldBytes(), stalledMs: now - this.windowWaitSince! };
  }

  /** Whether the answers waiting for window hold so much that the connection should take no new stream. */
  holdsTooMuch(): boolean {
    return this.waitingAnswers() > 0 && this.heldBytes() > MAX_HELD_ANSWER_BYTES;
  }

  private heldBytes(): number {
    let bytes = 0;
    for (const stream of this.blocked) bytes += stream.pending!.data.length - stream.pending!.offset;
    return bytes;
  }

  /** Drops the streams done meanwhile (reset, connection gone) from the waiting list; returns how many remain. */
  private waitingAnswers(): number {
    if (this.blocked.length > 0)
      this.blocked = this.blocked.filter((stream) => !stream.done && stream.pending !== undefined);
    if (this.blocked.length === 0) this.windowWaitSince = undefined;
    return this.blocked.length;
  }

  /** Sends what flow control allows of a stream's answer; true once all of it (trailers included) is out. */
  private sendPending(stream: H2Stream): boolean {
    const pending = stream.pending!;
    const { data, trailerBlock } = pending;
    while (pending.offset < data.length || (data.length === 0 && trailerBlock === undefined)) {
      const size = Math.min(data.length - pending.offset, stream.sendWindow, this.sendWindow, this.peerMaxFrameSize);
      if (size <= 0 && data.length > 0) return false;
      const last = pending.offset + size === data.length && trailerBlock === undefined;
      const head = frame(FrameType.DATA, last ? Flag.END_STREAM : 0, stream.id, 0);
      head.writeUIntBE(size, 0, 3);
      this.queue(head);
      if (size > 0) this.queue(data.subarray(pending.offset, pending.offset + size));
      pending.offset += size;
      stream.sendWindow -= size;
      this.sendWindow -= size;
      if (data.length === 0) break;
    }
    if (trailerBlock !== undefined) this.headerFrames(stream.id, trailerBlock, true);
    stream.pending = undefined;
    this.answered(stream);
    return true;
  }

  /** Every waiting answer sends what the windows now allow: one stream out of window holds no other. */
  sendBlocked(): void {
    let moved = false;
    for (let i = 0; i < this.blocked.length && this.sendWindow > 0; ) {
      const stream = this.blocked[i]!;
      if (stream.done || stream.pending === undefined) {
        this.blocked.splice(i, 1);
        continue;
      }
      const offset = stream.pending.offset;
      if (this.sendPending(stream)) {
        moved = true;
        this.blocked.splice(i, 1);
      } else {
        moved ||= stream.pending.offset !== offset;
        i++;
      }
    }
    if (moved) this.windowWaitSince = Date.now();
    this.waitingAnswers();
  }

  /** HEADERS, then CONTINUATION frames when the block is larger than the peer's frame size. */
  private headerFrames(streamId: number, block: Buffer, endStream: boolean): void {
    let offset = 0;
    let type: number = FrameType.HEADERS;
    do {
      const size = Math.min(block.length - offset, this.peerMaxFrameSize);
      const last = offset + size === block.length;
      const flags = (last ? Flag.END_HEADERS : 0) | (endStream && type === FrameType.HEADERS ? Flag.END_STREAM : 0);
      const bytes = frame(type, flags, streamId, size);
      block.copy(bytes, FRAME_HEADER_BYTES, offset, offset + size);
      this.queue(bytes);
      offset += size;
      type = FrameType.CONTINUATION;
    } while (offset < block.length);
  }

  queue(bytes: Buffer): void {
    this.output.push(bytes);
    this.outputBytes += bytes.length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  /** Everything queued in one write: small frames copied into one buffer, large ones gathered by the kernel. */
  flush(): void {
    this.flushScheduled = false;
    if (this.output.length === 0 || this.socket.destroyed) return;
    const output = this.output;
    const bytes = this.outputBytes;
    this.output = [];
    this.outputBytes = 0;
    if (bytes <= 64 * 1024) this.socket.write(output.length === 1 ? output[0]! : Buffer.concat(output, bytes));
    else {
      this.socket.cork();
      for (const part of output) this.socket.write(part);
      this.socket.uncork();
    }
    if (this.socket.writableLength > WRITE_BUFFER_LIMIT && this.writeBlockedSince === undefined) {
      this.writeBlockedSince = Date.now();
      this.socket.pause();
      this.socket.once('drain', () => {
        this.writeBlockedSince = undefined;
        this.socket.resume();
      });
    }
  }
}
