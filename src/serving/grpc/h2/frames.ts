/**
 * HTTP/2 frame vocabulary (RFC 9113 §4, §6, §7): frame types, flags, settings and error codes, and the writers
 * of the frames the server sends. Every frame is a 9-byte header (24-bit length, type, flags, 31-bit stream id)
 * and its payload.
 */

export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;

export const Flag = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;

export const Setting = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
  MAX_HEADER_LIST_SIZE: 0x6,
} as const;

export const ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  ENHANCE_YOUR_CALM: 0xb,
} as const;

export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
export const FRAME_HEADER_BYTES = 9;
export const DEFAULT_WINDOW = 65_535;
export const DEFAULT_MAX_FRAME_SIZE = 16_384;
export const MAX_WINDOW = 2 ** 31 - 1;

/** A frame: its header followed by `payloadLength` bytes the caller fills from `FRAME_HEADER_BYTES` on. */
export function frame(type: number, flags: number, streamId: number, payloadLength: number): Buffer {
  const bytes = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadLength);
  writeFrameHeader(bytes, 0, type, flags, streamId, payloadLength);
  return bytes;
}

export function writeFrameHeader(
  into: Buffer,
  at: number,
  type: number,
  flags: number,
  streamId: number,
  payloadLength: number,
): void {
  into[at] = payloadLength >>> 16;
  into[at + 1] = (payloadLength >>> 8) & 0xff;
  into[at + 2] = payloadLength & 0xff;
  into[at + 3] = type;
  into[at + 4] = flags;
  into.writeUInt32BE(streamId & MAX_WINDOW, at + 5);
}

export function settingsFrame(settings: readonly (readonly [number, number])[]): Buffer {
  const bytes = frame(FrameType.SETTINGS, 0, 0, settings.length * 6);
  settings.forEach(([id, value], i) => {
    bytes.writeUInt16BE(id, FRAME_HEADER_BYTES + i * 6);
    bytes.writeUInt32BE(value, FRAME_HEADER_BYTES + i * 6 + 2);
  });
  return bytes;
}

export const SETTINGS_ACK = frame(FrameType.SETTINGS, Flag.ACK, 0, 0);

export function windowUpdateFrame(streamId: number, increment: number): Buffer {
  const bytes = frame(FrameType.WINDOW_UPDATE, 0, streamId, 4);
  bytes.writeUInt32BE(increment, FRAME_HEADER_BYTES);
  return bytes;
}

export function rstStreamFrame(streamId: number, code: number): Buffer {
  const bytes = frame(FrameType.RST_STREAM, 0, streamId, 4);
  bytes.writeUInt32BE(code, FRAME_HEADER_BYTES);
  return bytes;
}

export function goawayFrame(lastStreamId: number, code: number, debug: string): Buffer {
  const text = Buffer.from(debug.slice(0, 200), 'utf8');
  const bytes = frame(FrameType.GOAWAY, 0, 0, 8 + text.byteLength);
  bytes.writeUInt32BE(lastStreamId, FRAME_HEADER_BYTES);
  bytes.writeUInt32BE(code, FRAME_HEADER_BYTES + 4);
  text.copy(bytes, FRAME_HEADER_BYTES + 8);
  return bytes;
}

export function pingAckFrame(payload: Buffer): Buffer {
  const bytes = frame(FrameType.PING, Flag.ACK, 0, 8);
  payload.copy(bytes, FRAME_HEADER_BYTES, 0, 8);
  return bytes;
}

/** A connection error (RFC 9113 §5.4.1): GOAWAY with `code`, then the connection closes. */
export class H2ConnectionError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'H2ConnectionError';
  }
}

/** A stream error (§5.4.2): RST_STREAM with `code`; the connection goes on. */
export class H2StreamError extends Error {
  constructor(
    readonly streamId: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'H2StreamError';
  }
}
