// Our HTTP/2 server over real sockets on 127.0.0.1: interoperating with node:http2's client (concurrent streams,
// bodies and answers larger than every flow-control window), and frame by frame with a raw client for what a
// well-behaved client never does (RFC 9113's connection and stream errors), flow control, and shutdown.
import * as assert from 'node:assert/strict';
import { connect as connectHttp2 } from 'node:http2';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HpackDecoder } from '../hpack/decoder.js';
import { encodeHeaderBlock } from '../hpack/encoder.js';
import { H2Connection } from './connection.js';
import { ErrorCode, Flag, FrameType, frame, PREFACE, Setting, settingsFrame, windowUpdateFrame } from './frames.js';
import { H2Server } from './server.js';
import type { H2Stream } from './stream.js';

const OK = encodeHeaderBlock([[':status', '200']]);
const TRAILERS = encodeHeaderBlock([['x-done', 'yes']]);

/** Echoes the body; `/wait/<ms>` answers later, `/big/<n>` answers n bytes, `/headers` the request's headers. */
function handler(stream: H2Stream): void {
  const path = stream.headers.get(':path') ?? '';
  if (stream.body === undefined) stream.respond(encodeHeaderBlock([[':status', '413']]));
  else if (path.startsWith('/wait/'))
    setTimeout(() => stream.respond(OK, stream.body, TRAILERS), Number(path.slice(6)));
  else if (path.startsWith('/big/')) stream.respond(OK, Buffer.alloc(Number(path.slice(5)), 7), TRAILERS);
  else if (path === '/headers') stream.respond(OK, Buffer.from(JSON.stringify([...stream.headers])));
  else stream.respond(OK, stream.body, TRAILERS);
}

interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

/** A raw HTTP/2 client: sends bytes, collects the frames the server sends. */
class RawClient {
  readonly frames: Frame[] = [];
  closed = false;
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 9) {
        const length = this.buffer.readUIntBE(0, 3);
        if (this.buffer.length < 9 + length) break;
        this.frames.push({
          type: this.buffer[3]!,
          flags: this.buffer[4]!,
          streamId: this.buffer.readUInt32BE(5) & 0x7fffffff,
          payload: Buffer.from(this.buffer.subarray(9, 9 + length)),
        });
        this.buffer = this.buffer.subarray(9 + length);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async open(port: number, settings: readonly (readonly [number, number])[] = []): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const client = new RawClient(socket);
    socket.write(Buffer.concat([PREFACE, settingsFrame(settings)]));
    return client;
  }

  send(...frames: Buffer[]): void {
    this.socket.write(Buffer.concat(frames));
  }

  /** Waits until `test` holds of the frames received (or the connection closed). */
  async until(test: (frames: Frame[]) => boolean): Promise<void> {
    while (!test(this.frames) && !this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async goaway(): Promise<{ lastStreamId: number; code: number; debug: string }> {
    await this.until((fs) => fs.some((f) => f.type === FrameType.GOAWAY));
    const f = this.frames.find((x) => x.type === FrameType.GOAWAY)!;
    return {
      lastStreamId: f.payload.readUInt32BE(0),
      code: f.payload.readUInt32BE(4),
      debug: f.payload.subarray(8).toString('utf8'),
    };
  }

  async reset(streamId: number): Promise<number> {
    await this.until((fs) => fs.some((f) => f.type === FrameType.RST_STREAM && f.streamId === streamId));
    return this.frames.find((f) => f.type === FrameType.RST_STREAM && f.streamId === streamId)!.payload.readUInt32BE(0);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

function headersFrame(
  streamId: number,
  path: string,
  flags = Flag.END_HEADERS | Flag.END_STREAM,
  extra: [string, string][] = [],
) {
  const block = encodeHeaderBlock([
    [':method', 'POST'],
    [':scheme', 'http'],
    [':path', path],
    [':authority', 'test'],
    ...extra,
  ]);
  const bytes = frame(FrameType.HEADERS, flags, streamId, block.length);
  block.copy(bytes, 9);
  return bytes;
}

function dataFrame(streamId: number, data: Buffer | string, flags: number = Flag.END_STREAM): Buffer {
  const payload = Buffer.from(data);
  const bytes = frame(FrameType.DATA, flags, streamId, payload.length);
  payload.copy(bytes, 9);
  return bytes;
}

function rawFrame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const bytes = frame(type, flags, streamId, payload.length);
  payload.copy(bytes, 9);
  return bytes;
}

describe('HTTP/2 server', () => {
  let server: H2Server;
  let port: number;

  before(async () => {
    server = await H2Server.listen('127.0.0.1', 0, { handler, maxBodyBytes: 4 << 20, maxConcurrentStreams: 8 });
    port = server.port;
  });
  after(() => server.close());

  it('serves node:http2 clients: concurrent streams, bodies and answers beyond every window', async () => {
    const session = connectHttp2(`http://127.0.0.1:${port}`);
    try {
      const call = (path: string, body: Buffer) =>
        new Promise<{ status: number; body: Buffer; trailers: Record<string, unknown> }>((resolve, reject) => {
          const request = session.request({ ':method': 'POST', ':path': path });
          const chunks: Buffer[] = [];
          let status = 0;
          let trailers: Record<string, unknown> = {};
          request.on('response', (headers) => {
            status = Number(headers[':status']);
          });
          request.on('trailers', (t) => {
            trailers = t;
          });
          request.on('data', (chunk: Buffer) => chunks.push(chunk));
          request.on('end', () => resolve({ status, body: Buffer.concat(chunks), trailers }));
          request.on('error', reject);
          request.end(body);
        });
      const big = Buffer.alloc(3 << 20);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
      const answers = await Promise.all([
        call('/echo', big),
        call('/wait/30', Buffer.from('late')),
        call('/echo', Buffer.from('small')),
        call('/big/200000', Buffer.alloc(0)),
        ...Array.from({ length: 4 }, (_, i) => call('/echo', Buffer.from(`n${i}`))),
      ]);
      assert.ok(answers[0]!.body.equals(big), '3 MiB echoed intact through both directions of flow control');
      assert.deepEqual(
        answers
          .slice(1)
          .map((a) => [a.status, a.body.length <= 16 ? a.body.toString() : a.body.length, a.trailers['x-done']]),
        [
          [200, 'late', 'yes'],
          [200, 'small', 'yes'],
          [200, 200000, 'yes'],
          [200, 'n0', 'yes'],
          [200, 'n1', 'yes'],
          [200, 'n2', 'yes'],
          [200, 'n3', 'yes'],
        ],
      );
      const overLimit = await call('/echo', Buffer.alloc((4 << 20) + 1));
      assert.equal(overLimit.status, 413, 'a body over the limit is answered early; the rest is dropped');
      const after = await call('/echo', Buffer.from('still up'));
      assert.equal(after.body.toString(), 'still up', 'the connection goes on after a reset stream');
    } finally {
      session.close();
    }
  });

  it('exchanges settings, answers PING, and reads header blocks split over CONTINUATION', async () => {
    const client = await RawClient.open(port);
    try {
      client.send(rawFrame(FrameType.PING, 0, 0, Buffer.from('12345678')));
      const block = encodeHeaderBlock([
        [':method', 'POST'],
        [':scheme', 'http'],
        [':path', '/headers'],
        [':authority', 'test'],
        ['x-long', 'v'.repeat(300)],
      ]);
      client.send(
        rawFrame(FrameType.HEADERS, Flag.END_STREAM, 1, block.subarray(0, 10)),
        rawFrame(FrameType.CONTINUATION, 0, 1, block.subarray(10, 100)),
        rawFrame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, block.subarray(100)),
      );
      await client.until((fs) => fs.some((f) => f.type === FrameType.DATA && f.streamId === 1));
      const settings = client.frames.find((f) => f.type === FrameType.SETTINGS && f.flags === 0)!;
      const advertised = new Map<number, number>();
      for (let at = 0; at < settings.payload.length; at += 6)
        advertised.set(settings.payload.readUInt16BE(at), settings.payload.readUInt32BE(at + 2));
      assert.equal(advertised.get(Setting.MAX_CONCURRENT_STREAMS), 8);
      assert.ok(
        client.frames.some((f) => f.type === FrameType.SETTINGS && f.flags === Flag.ACK),
        'our settings acked',
      );
      const ping = client.frames.find((f) => f.type === FrameType.PING)!;
      assert.deepEqual([ping.flags, ping.payload.toString()], [Flag.ACK, '12345678']);
      const data = client.frames.find((f) => f.type === FrameType.DATA && f.streamId === 1)!;
      const echoed = new Map(JSON.parse(data.payload.toString()) as [string, string][]);
      assert.equal(echoed.get('x-long'), 'v'.repeat(300));
      assert.equal(echoed.get(':path'), '/headers');
      const headers = client.frames.find((f) => f.type === FrameType.HEADERS && f.streamId === 1)!;
      assert.deepEqual(new HpackDecoder().decode(headers.payload), [[':status', '200']]);
    } finally {
      client.close();
    }
  });

  it('respects the client’s flow-control window and frame size, sending more as windows open', async () => {
    const client = await RawClient.open(port, [[Setting.INITIAL_WINDOW_SIZE, 1000]]);
    try {
      client.send(headersFrame(1, '/big/5000'));
      await client.until(
        (fs) => fs.filter((f) => f.type === FrameType.DATA).reduce((n, f) => n + f.payload.length, 0) >= 1000,
      );
      await new Promise((r) => setTimeout(r, 50));
      const sent = () =>
        client.frames.filter((f) => f.type === FrameType.DATA).reduce((n, f) => n + f.payload.length, 0);
      assert.equal(sent(), 1000, 'no more than the stream window before an update');
      client.send(windowUpdateFrame(1, 10_000));
      await client.until((fs) =>
        fs.some((f) => f.type === FrameType.HEADERS && f.streamId === 1 && (f.flags & Flag.END_STREAM) !== 0),
      );
      assert.equal(sent(), 5000);
      assert.ok(client.frames.filter((f) => f.type === FrameType.DATA).every((f) => f.payload.length <= 16_384));
    } finally {
      client.close();
    }
  });

  it('lets an answer whose stream has window go ahead of one waiting for its own window', async () => {
    const client = await RawClient.open(port);
    try {
      // Stream 1 (200,000 bytes) takes the whole connection window (65,535) and its own; stream 3 waits.
      client.send(headersFrame(1, '/big/200000'), headersFrame(3, '/big/30000'));
      const bytes = (id: number) =>
        client.frames
          .filter((f) => f.type === FrameType.DATA && f.streamId === id)
          .reduce((n, f) => n + f.payload.length, 0);
      await client.until(() => bytes(1) === 65_535);
      client.send(windowUpdateFrame(0, 1 << 20)); // the connection opens; stream 1's own window stays shut
      await client.until((fs) =>
        fs.some((f) => f.type === FrameType.HEADERS && f.streamId === 3 && (f.flags & Flag.END_STREAM) !== 0),
      );
      assert.deepEqual([bytes(1), bytes(3)], [65_535, 30_000]);
    } finally {
      client.close();
    }
  });

  it('refuses new streams while answers the client gives no window for hold too many bytes', {
    timeout: 10_000,
  }, async () => {
    const client = await RawClient.open(port, [[Setting.INITIAL_WINDOW_SIZE, 0]]);
    try {
      // Two 20 MB answers wait (the client opens no stream window); a third stream is refused, not computed.
      client.send(headersFrame(1, '/big/20000000'), headersFrame(3, '/big/20000000'), headersFrame(5, '/big/10'));
      assert.equal(await client.reset(5), ErrorCode.REFUSED_STREAM);
      client.send(windowUpdateFrame(1, 20_000_000), windowUpdateFrame(0, 40_000_000));
      await client.until((fs) =>
        fs.some((f) => f.type === FrameType.HEADERS && f.streamId === 1 && (f.flags & Flag.END_STREAM) !== 0),
      );
      client.send(headersFrame(7, '/big/10'), windowUpdateFrame(7, 100));
      await client.until((fs) =>
        fs.some((f) => f.type === FrameType.HEADERS && f.streamId === 7 && (f.flags & Flag.END_STREAM) !== 0),
      );
    } finally {
      client.close();
    }
  });

  it('closes a connection whose answers wait for window that the client never opens', { timeout: 10_000 }, async () => {
    let connection: H2Connection | undefined;
    const listener = createServer((socket) => {
      connection = new H2Connection(socket, {
        handler,
        maxBodyBytes: 1 << 20,
        maxConcurrentStreams: 8,
        maxHeaderListBytes: 64 * 1024,
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const client = await RawClient.open((listener.address() as AddressInfo).port, [[Setting.INITIAL_WINDOW_SIZE, 0]]);
    try {
      client.send(headersFrame(1, '/big/1000'));
      await client.until((fs) => fs.some((f) => f.type === FrameType.HEADERS && f.streamId === 1));
      // The sweep's clock, moved on: an answer that moved within 30 s keeps the connection; one stuck longer not.
      connection!.check(Date.now() + 25_000);
      client.send(windowUpdateFrame(1, 500));
      await client.until((fs) => fs.some((f) => f.type === FrameType.DATA && f.streamId === 1));
      connection!.check(Date.now() + 25_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(client.closed, false, 'the answer moved: the connection stays');
      connection!.check(Date.now() + 31_000);
      await client.until(() => false); // returns once the connection closed
      assert.equal(client.closed, true);
    } finally {
      client.close();
      listener.close();
    }
  });

  it('refuses streams beyond the concurrency limit, and drops the answer of a stream the client reset', async () => {
    const client = await RawClient.open(port);
    try {
      for (let id = 1; id <= 17; id += 2) client.send(headersFrame(id, '/wait/100'));
      assert.equal(await client.reset(17), ErrorCode.REFUSED_STREAM, 'the 9th concurrent stream is refused');
      client.send(rawFrame(FrameType.RST_STREAM, 0, 1, Buffer.from([0, 0, 0, ErrorCode.CANCEL])));
      client.send(headersFrame(19, '/wait/0'));
      assert.equal(
        await client.reset(19),
        ErrorCode.REFUSED_STREAM,
        'a reset stream still being computed keeps its place (no rapid-reset bypass of the limit)',
      );
      await client.until((fs) => fs.filter((f) => f.type === FrameType.HEADERS).length >= 7 * 2);
      const answered = new Set(client.frames.filter((f) => f.type === FrameType.HEADERS).map((f) => f.streamId));
      assert.deepEqual(
        [...answered].sort((a, b) => a - b),
        [3, 5, 7, 9, 11, 13, 15],
      );
    } finally {
      client.close();
    }
  });

  it('bounds header blocks in frames too, and ignores trailers of a stream it reset', async () => {
    const flood = await RawClient.open(port);
    const empty = rawFrame(FrameType.CONTINUATION, 0, 1, Buffer.alloc(0));
    flood.send(headersFrame(1, '/echo', 0), ...Array.from({ length: 16_000 }, () => empty));
    assert.equal((await flood.goaway()).code, ErrorCode.ENHANCE_YOUR_CALM, 'empty CONTINUATION frames are counted');
    flood.close();

    const client = await RawClient.open(port);
    try {
      // Stream 1 outgrows the body limit (4 MiB): answered 413 and reset; its trailers, already sent, are ignored.
      const chunk = Buffer.alloc(16_384);
      const frames = [headersFrame(1, '/echo', Flag.END_HEADERS)];
      for (let sent = 0; sent <= 4 << 20; sent += chunk.length) frames.push(dataFrame(1, chunk, 0));
      const trailers = encodeHeaderBlock([['x-trailer', '1']]);
      frames.push(rawFrame(FrameType.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, 1, trailers));
      frames.push(headersFrame(3, '/echo', Flag.END_HEADERS), dataFrame(3, 'after'));
      client.send(...frames);
      await client.until((fs) => fs.some((f) => f.type === FrameType.DATA && f.streamId === 3));
      assert.equal(await client.reset(1), ErrorCode.NO_ERROR);
      assert.ok(!client.frames.some((f) => f.type === FrameType.GOAWAY), 'the connection goes on');
    } finally {
      client.close();
    }
  });

  it('answers protocol violations with the connection or stream error RFC 9113 names', async () => {
    const connectionErrors: [string, Buffer[], number][] = [
      ['DATA on stream 0', [dataFrame(0, 'x')], ErrorCode.PROTOCOL_ERROR],
      ['an even stream id', [headersFrame(2, '/echo')], ErrorCode.PROTOCOL_ERROR],
      ['a frame over 16384 bytes', [rawFrame(FrameType.DATA, 0, 1, Buffer.alloc(16_385))], ErrorCode.FRAME_SIZE_ERROR],
      ['PING of 7 bytes', [rawFrame(FrameType.PING, 0, 0, Buffer.alloc(7))], ErrorCode.FRAME_SIZE_ERROR],
      [
        'a malformed header block',
        [rawFrame(FrameType.HEADERS, Flag.END_HEADERS, 1, Buffer.from([0x80]))],
        ErrorCode.COMPRESSION_ERROR,
      ],
      [
        'a header block interrupted',
        [headersFrame(1, '/echo', 0), rawFrame(FrameType.PING, 0, 0, Buffer.alloc(8))],
        ErrorCode.PROTOCOL_ERROR,
      ],
      ['HEADERS on a closed stream', [headersFrame(3, '/echo'), headersFrame(1, '/echo')], ErrorCode.STREAM_CLOSED],
      ['a WINDOW_UPDATE of 0', [windowUpdateFrame(0, 0)], ErrorCode.PROTOCOL_ERROR],
      ['a window above 2^31-1', [windowUpdateFrame(0, 0x7fffffff)], ErrorCode.FLOW_CONTROL_ERROR],
      [
        'PUSH_PROMISE',
        [rawFrame(FrameType.PUSH_PROMISE, Flag.END_HEADERS, 1, Buffer.alloc(4))],
        ErrorCode.PROTOCOL_ERROR,
      ],
      ['SETTINGS of 5 bytes', [rawFrame(FrameType.SETTINGS, 0, 0, Buffer.alloc(5))], ErrorCode.FRAME_SIZE_ERROR],
    ];
    for (const [what, frames, code] of connectionErrors) {
      const client = await RawClient.open(port);
      client.send(...frames);
      const goaway = await client.goaway();
      assert.equal(goaway.code, code, `${what}: ${goaway.debug}`);
      await client.until(() => false); // then the server closes the connection
      assert.ok(client.closed, what);
    }

    const client = await RawClient.open(port);
    try {
      client.send(headersFrame(1, '/echo', Flag.END_HEADERS | Flag.END_STREAM, [['Upper', 'x']]));
      assert.equal(await client.reset(1), ErrorCode.PROTOCOL_ERROR, 'an upper-case header name');
      client.send(headersFrame(3, '/echo', Flag.END_HEADERS | Flag.END_STREAM, [['connection', 'keep-alive']]));
      assert.equal(await client.reset(3), ErrorCode.PROTOCOL_ERROR, 'a connection-specific header');
      client.send(headersFrame(5, '/wait/100', Flag.END_HEADERS), dataFrame(5, 'a'), dataFrame(5, 'b'));
      assert.equal(await client.reset(5), ErrorCode.STREAM_CLOSED, 'DATA after END_STREAM');
      client.send(headersFrame(7, '/echo', Flag.END_HEADERS), dataFrame(7, 'fine'));
      await client.until((fs) => fs.some((f) => f.type === FrameType.DATA && f.streamId === 7));
      assert.equal(
        client.frames.find((f) => f.type === FrameType.DATA && f.streamId === 7)!.payload.toString(),
        'fine',
      );
    } finally {
      client.close();
    }

    const notHttp2 = connect(port, '127.0.0.1');
    notHttp2.on('error', () => {});
    notHttp2.resume();
    notHttp2.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => notHttp2.on('close', resolve));
  });

  it('closes gracefully: GOAWAY names the last stream, which is still answered', async () => {
    const own = await H2Server.listen('127.0.0.1', 0, { handler, maxBodyBytes: 1024 });
    const client = await RawClient.open(own.port);
    client.send(headersFrame(1, '/wait/80'));
    await new Promise((r) => setTimeout(r, 20));
    const closed = own.close();
    const goaway = await client.goaway();
    assert.deepEqual([goaway.lastStreamId, goaway.code], [1, ErrorCode.NO_ERROR]);
    client.send(headersFrame(3, '/echo'));
    await closed;
    await client.until(() => false);
    assert.ok(
      client.frames.some((f) => f.type === FrameType.HEADERS && f.streamId === 1),
      'stream 1 answered',
    );
    assert.ok(!client.frames.some((f) => f.streamId === 3), 'stream 3, begun after GOAWAY, was not');
    assert.ok(client.closed);
  });

  it('closes within its grace period even when a client keeps a connection open and silent', async () => {
    const own = await H2Server.listen('127.0.0.1', 0, { handler, maxBodyBytes: 1024 });
    // Half-open: it reads our GOAWAY and end of stream, but never closes its own side.
    const silent = connect({ port: own.port, host: '127.0.0.1', allowHalfOpen: true });
    silent.on('error', () => {});
    silent.resume();
    await new Promise((resolve) => silent.once('connect', resolve));
    const ended = new Promise((resolve) => silent.once('end', () => resolve(true)));
    await own.close(200); // resolves once the grace period has passed and the server destroyed what was left
    assert.equal(await ended, true, 'the client saw the server end the connection');
    silent.destroy();
  });
});
