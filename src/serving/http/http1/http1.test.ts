// The HTTP/1.1 layer over real sockets on 127.0.0.1, driven byte by byte where framing matters: keep-alive and
// pipelining, bodies split anywhere, chunked bodies, what the strict parser refuses (and with which status),
// limits, Expect: 100-continue, HEAD, HTTP/1.0, timeouts and closing.
import * as assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { HttpRequest } from './connection.js';
import type { HttpResponse } from './response.js';
import { Http1Server } from './server.js';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads every response the server sends until it closes the connection or `count` responses arrived. */
function exchange(
  port: number,
  writes: readonly (string | Buffer)[],
  count: number,
  gapMs = 0,
  headOnly: ReadonlySet<number> = new Set(),
): Promise<Answer[]> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const answers: Answer[] = [];
    const finish = () => {
      socket.destroy();
      resolve(answers);
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      for (;;) {
        const end = received.indexOf('\r\n\r\n');
        if (end === -1) return;
        const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
        const headers: Record<string, string> = {};
        for (const line of lines)
          headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
        const status = Number(statusLine!.split(' ')[1]);
        const length = status === 100 || headOnly.has(answers.length) ? 0 : Number(headers['content-length'] ?? 0);
        if (received.length < end + 4 + length) return;
        answers.push({ status, headers, body: received.subarray(end + 4, end + 4 + length).toString('utf8') });
        received = received.subarray(end + 4 + length);
        if (answers.length === count) return finish();
      }
    });
    socket.on('end', finish);
    socket.on('error', finish); // a reset after the server closed: what arrived is the answer
    void (async () => {
      for (const data of writes) {
        if (socket.destroyed) return;
        socket.write(data);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    })();
  });
}

/** Whether the server closes the connection (within `ms`). */
function closesWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.resume();
  });
}

const post = (path: string, body: string, extra = '') =>
  `POST ${path} HTTP/1.1\r\nHost: t\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('HTTP/1.1 server', () => {
  let server: Http1Server;
  let port: number;
  const seen: HttpRequest[] = [];

  before(async () => {
    const handler = async (request: HttpRequest): Promise<HttpResponse> => {
      seen.push(request);
      if (request.target.startsWith('/slow/')) await new Promise((r) => setTimeout(r, Number(request.target.slice(6))));
      if (request.target === '/throw') throw new Error('boom');
      if (request.target === '/bad-header') return { status: 200, headers: { 'x-a': 'b\r\nx-c: d' }, body: '' };
      if (request.target === '/parts') return { status: 200, body: [Buffer.from('ab'), Buffer.from('cd')] };
      // Beyond the size copied into one write: the head and parts go out through writev.
      if (request.target === '/large-parts')
        return { status: 200, body: [Buffer.alloc(40_000, 'x'), Buffer.alloc(40_000, 'y')] };
      return {
        status: 200,
        headers: { 'content-type': 'text/plain' },
        body: `${request.method} ${request.target} ${request.body.toString('utf8')}`,
      };
    };
    server = await Http1Server.listen('127.0.0.1', 0, {
      handler,
      refusal: (status, message) => ({ status, body: message }),
      maxBodyBytes: 1000,
      maxHeaderBytes: 2000,
      headersTimeoutMs: 300,
      requestTimeoutMs: 600,
      keepAliveTimeoutMs: 300,
      checkIntervalMs: 50,
    });
    port = server.port;
  });
  after(() => server.close());

  it('answers several requests on one connection, pipelined ones in order', async () => {
    const answers = await exchange(port, [post('/slow/60', 'a') + post('/slow/0', 'b') + post('/c', 'ü')], 3);
    assert.deepEqual(
      answers.map((a) => [a.status, a.body]),
      [
        [200, 'POST /slow/60 a'],
        [200, 'POST /slow/0 b'],
        [200, 'POST /c ü'],
      ],
    );
    assert.equal(answers[2]!.headers['content-length'], String(Buffer.byteLength('POST /c ü')));
    assert.equal(answers[0]!.headers.connection, undefined);
    assert.match(answers[0]!.headers.date!, /GMT$/);
  });

  it('reads a request split at every byte', async () => {
    const request = post('/split', '{"x": 1}', 'X-Thing:  spaced value \t\r\n');
    const answers = await exchange(
      port,
      [...Buffer.from(request)].map((b) => Buffer.from([b])),
      1,
      1,
    );
    assert.deepEqual([answers[0]!.status, answers[0]!.body], [200, 'POST /split {"x": 1}']);
    const last = seen.at(-1)!;
    assert.equal(last.headers.get('x-thing'), 'spaced value');
    assert.equal(last.headers.get('content-length'), '8');
  });

  it('decodes chunked bodies with extensions and trailers, however they are split', async () => {
    const chunked =
      'POST /chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '3;ext=1\r\nabc\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: x\r\n\r\n';
    for (const size of [1, 2, 5, 1000]) {
      const bytes = Buffer.from(chunked);
      const parts: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
      const answers = await exchange(port, [...parts, post('/after', 'z')], 2);
      assert.deepEqual(
        answers.map((a) => a.body),
        ['POST /chunked abcabcdefghijklmnopqrstuvwxyz', 'POST /after z'],
        `split every ${size} bytes`,
      );
    }
  });

  it('refuses ambiguous or malformed heads with the status RFC 9112 names, and closes', async () => {
    const cases: [string, number, RegExp][] = [
      ['POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n', 400, /ambiguous/],
      ['POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab', 400, /differing/],
      ['POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n', 400, /content-length/],
      ['POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 501, /transfer-encoding/],
      ['GET / HTTP/1.1\r\n\r\n', 400, /Host/],
      ['GET / HTTP/2.0\r\nHost: t\r\n\r\n', 505, /HTTP\/2\.0/],
      ['GET / HTTX/1.1\r\nHost: t\r\n\r\n', 400, /version/],
      ['GET  / HTTP/1.1\r\nHost: t\r\n\r\n', 400, /request line/],
      ['GET /a b HTTP/1.1\r\nHost: t\r\n\r\n', 400, /request line/],
      ['G(T / HTTP/1.1\r\nHost: t\r\n\r\n', 400, /request line/],
      ['GET / HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n', 400, /folding/],
      ['GET / HTTP/1.1\r\nHost : t\r\n\r\n', 400, /header name/],
      ['GET / HTTP/1.1\r\nHost: t\r\nNoColon\r\n\r\n', 400, /header line/],
      ['GET / HTTP/1.1\r\nHost: t\nX: y\r\n\r\n', 400, /control character/],
      ['GET / HTTP/1.1\r\nHost: t\r\nX: a\x01b\r\n\r\n', 400, /control character/],
      ['GET / HTTP/1.1\r\nHost: t\r\nHost: u\r\n\r\n', 400, /more than one Host/],
      // bare LF lines: refused as they are (or, once a CRLF CRLF follows, as a malformed request line)
      ['GET / HTTP/1.1\nHost: t\n\n', 400, /CRLF|request line/],
      [`${'\r\n'.repeat(9)}GET / HTTP/1.1\r\nHost: t\r\n\r\n`, 400, /empty lines/],
      ['GET / HTTP/1.1\r\nHost: t\r\nExpect: magic\r\n\r\n', 417, /expectation/],
      ['POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 400, /HTTP\/1\.0/],
      ['POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400, /chunk size/],
      ['POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\n', 400, /chunk size/],
      ['POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n', 400, /longer than/],
      ['POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\nab\r\n', 400, /CRLF/],
    ];
    for (const [request, status, message] of cases) {
      const answers = await exchange(port, [request, post('/never', 'x')], 2);
      assert.equal(answers.length, 1, `${JSON.stringify(request)}: answered once, then closed`);
      assert.equal(answers[0]!.status, status, JSON.stringify(request));
      assert.match(answers[0]!.body, message, JSON.stringify(request));
      assert.equal(answers[0]!.headers.connection, 'close');
    }
    assert.ok(!seen.some((r) => r.target === '/never'), 'nothing after a refused request reaches a route');
  });

  it('answers a client that closed its sending side, pipelined requests included, then closes', async () => {
    const answers = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
      });
      socket.on('end', () => resolve(text));
      socket.end(`${post('/slow/50', 'a')}${post('/b', 'b')}${'\r\n'}GET /c HTTP/1.1\r\nHost`);
    });
    assert.deepEqual(
      answers.match(/POST \S+ \w/g),
      ['POST /slow/50 a', 'POST /b b'],
      'both whole requests answered; the unfinished one dropped',
    );
  });

  it('counts chunk framing against the body limit, and accepts a few empty lines before a request', async () => {
    const chunks = '1;ext=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\nx\r\n'.repeat(30);
    const [refused] = await exchange(
      port,
      [`POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`],
      1,
    );
    assert.equal(refused!.status, 413, '30 data bytes, but 1,800 bytes of framing');
    const [answer] = await exchange(port, [`\r\n\r\n${post('/after-empty-lines', 'y')}`], 1);
    assert.equal(answer!.body, 'POST /after-empty-lines y');
  });

  it('bounds bodies (declared or chunked) and heads', async () => {
    const [declared] = await exchange(port, ['POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n'], 1);
    assert.deepEqual([declared!.status, declared!.headers.connection], [413, 'close']);
    const chunk = `3E8\r\n${'x'.repeat(1000)}\r\n`;
    const [chunked] = await exchange(
      port,
      [`POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}1\r\nx\r\n0\r\n\r\n`],
      1,
    );
    assert.equal(chunked!.status, 413);
    const [head] = await exchange(port, [`GET / HTTP/1.1\r\nHost: t\r\nX: ${'y'.repeat(3000)}\r\n\r\n`], 1);
    assert.equal(head!.status, 431);
    const [endless] = await exchange(port, [`GET / HTTP/1.1\r\nHost: t\r\nX: ${'y'.repeat(3000)}`], 1);
    assert.equal(endless!.status, 431, 'a head with no end in sight is refused as soon as it is too long');
    const [exact] = await exchange(port, [post('/exact', 'x'.repeat(1000))], 1);
    assert.equal(exact!.body.length, 'POST /exact '.length + 1000);
  });

  it('sends 100 Continue to a client that expects it, then the answer', async () => {
    const answers = await exchange(
      port,
      ['POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n', 'hi'],
      2,
      30,
    );
    assert.deepEqual(
      answers.map((a) => [a.status, a.body]),
      [
        [100, ''],
        [200, 'POST /e hi'],
      ],
    );
  });

  it('answers HEAD with the head only, and Buffer bodies in parts', async () => {
    const answers = await exchange(
      port,
      [
        'HEAD /h HTTP/1.1\r\nHost: t\r\n\r\nGET /parts HTTP/1.1\r\nHost: t\r\n\r\n' +
          'GET /large-parts HTTP/1.1\r\nHost: t\r\n\r\nGET /parts HTTP/1.1\r\nHost: t\r\n\r\n',
      ],
      4,
      0,
      new Set([0]),
    );
    assert.equal(answers[0]!.headers['content-length'], String('HEAD /h '.length));
    assert.equal(answers[0]!.body, '', 'no body after the head (the next response follows at once)');
    assert.equal(answers[1]!.body, 'abcd');
    assert.equal(answers[2]!.body, `${'x'.repeat(40_000)}${'y'.repeat(40_000)}`);
    assert.equal(answers[3]!.body, 'abcd');
  });

  it('keeps HTTP/1.0 connections open only when asked, and closes on Connection: close', async () => {
    const plain = await exchange(port, ['GET /a HTTP/1.0\r\n\r\n', 'GET /b HTTP/1.0\r\n\r\n'], 2, 30);
    assert.deepEqual(
      plain.map((a) => [a.body, a.headers.connection]),
      [['GET /a ', 'close']],
    );
    const kept = await exchange(
      port,
      ['GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n'],
      2,
    );
    assert.deepEqual(
      kept.map((a) => [a.body, a.headers.connection]),
      [
        ['GET /a ', 'keep-alive'],
        ['GET /b ', 'keep-alive'],
      ],
    );
    const closed = await exchange(
      port,
      ['GET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n', post('/b', '')],
      2,
      30,
    );
    assert.deepEqual(
      closed.map((a) => a.headers.connection),
      ['close'],
    );
  });

  it('answers a handler that throws, or returns an unsafe header, with 500 and keeps serving', async () => {
    const answers = await exchange(
      port,
      ['GET /throw HTTP/1.1\r\nHost: t\r\n\r\nGET /bad-header HTTP/1.1\r\nHost: t\r\n\r\n', post('/ok', '1')],
      3,
      30,
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      [500, 500, 200],
    );
    assert.match(answers[0]!.body, /boom/);
    assert.match(answers[1]!.body, /CR, LF or NUL/, 'the route’s bad header, refused by the response writer');
    assert.equal(answers[1]!.headers['x-c'], undefined, 'no header was injected');
  });

  it('times out a request that stops halfway (408) and an idle connection', async () => {
    const [late] = await exchange(port, ['POST /late HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nab'], 1);
    assert.deepEqual([late!.status, late!.headers.connection], [408, 'close']);
    const [slowHead] = await exchange(port, ['GET /late HTTP/1.1\r\nHost'], 1);
    assert.equal(slowHead!.status, 408);
    const idle = connect(port, '127.0.0.1');
    assert.equal(await closesWithin(idle, 5000), true, 'an idle connection is closed');
  });

  it('closes: idle connections at once, a busy one after its answer', async () => {
    const own = await Http1Server.listen('127.0.0.1', 0, {
      handler: async (request) => {
        await new Promise((r) => setTimeout(r, 100));
        return { status: 200, body: request.target };
      },
      refusal: (status, message) => ({ status, body: message }),
    });
    const idle = connect(own.port, '127.0.0.1');
    await new Promise((r) => idle.once('connect', r));
    const busy = exchange(own.port, ['GET /busy HTTP/1.1\r\nHost: t\r\n\r\n'], 1);
    await new Promise((r) => setTimeout(r, 30));
    const idleClosed = closesWithin(idle, 5000);
    await own.close();
    const [answer] = await busy;
    assert.deepEqual([answer!.status, answer!.body, answer!.headers.connection], [200, '/busy', 'close']);
    assert.equal(await idleClosed, true);
  });
});
