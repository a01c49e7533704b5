// The peers of the model serving benchmark (bench/serving.ts), each a server answering the same inference request:
// a bare node:http server and a bare node:http2 gRPC server answering fixed responses (what the transports reach
// with no work per request), Osprey's own HTTP/1.1 layer answering a fixed response (the ceiling of our REST path on
// this machine, inference aside), and Flask + gunicorn computing the model (the serving pattern Osprey must beat).

import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { connect, createServer as createHttp2Server, type ServerStreamResponseOptions } from 'node:http2';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Http1Server } from '../src/serving/http/http1/server.js';
import { fixtureModelPath } from '../src/serving/test-support/fixtures.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** A bare node http server: reads the body, answers a fixed response. */
export async function startBareServer(response: Buffer) {
  const server = createServer((request, reply) => {
    request.resume();
    request.on('end', () => {
      reply.writeHead(200, { 'content-type': 'application/json', 'content-length': response.byteLength });
      reply.end(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

/** One gRPC call over node:http2: the response's DATA bytes (the length-prefixed message). */
export async function grpcAnswer(origin: string, path: string, frame: Buffer): Promise<Buffer> {
  const session = connect(origin);
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const call = session.request({
        ':method': 'POST',
        ':path': path,
        'content-type': 'application/grpc',
        te: 'trailers',
      });
      const chunks: Buffer[] = [];
      call.on('data', (chunk: Buffer) => chunks.push(chunk));
      call.on('trailers', (trailers) => {
        if (trailers['grpc-status'] !== '0') reject(new Error(`gRPC status ${trailers['grpc-status']}`));
      });
      call.on('end', () => resolve(Buffer.concat(chunks)));
      call.on('error', reject);
      call.end(frame);
    });
  } finally {
    session.close();
  }
}

/**
 * A bare node:http2 server answering every POST with a fixed gRPC response (the same headers, message and trailers
 * as our unary server's): what gRPC over node:http2 reaches on this machine with no work per call.
 */
export async function startBareGrpcServer(response: Buffer) {
  const server = createHttp2Server();
  server.on('stream', (stream) => {
    stream.on('data', () => {});
    stream.on('end', () => {
      // As our server answers: no date header (`sendDate`, which @types/node does not list).
      stream.respond({ ':status': 200, 'content-type': 'application/grpc+proto' }, {
        waitForTrailers: true,
        sendDate: false,
      } as ServerStreamResponseOptions);
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

/**
 * gunicorn (2 sync workers) serving bench/peers/flask_serving.py, up once it answers `probe` (a JSON inference
 * request); undefined when Debian's packages are missing.
 */
export async function startFlask(probe: string): Promise<{ url: string; stop: () => void } | undefined> {
  const check = spawnSync('/usr/bin/python3', ['-c', 'import flask, onnx, numpy']);
  if (check.status !== 0 || spawnSync('gunicorn', ['--version']).error) return undefined;
  const port = 18000 + Math.floor(Math.random() * 1000);
  const child = spawn(
    'gunicorn',
    ['-w', '2', '-k', 'sync', '-b', `127.0.0.1:${port}`, '--chdir', join(HERE, 'peers'), 'flask_serving:app'],
    { env: { ...process.env, OSPREY_BENCH_MODEL: fixtureModelPath('tabular_classifier') }, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`${url}/v2/models/tabular/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: probe,
    }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, stop: () => child.kill('SIGTERM') };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  return undefined;
}

/**
 * Osprey's HTTP/1.1 layer (src/serving/http/http1/) with a handler that answers a fixed JSON text, as the inference
 * route answers: the throughput our REST API would reach if inference cost nothing.
 */
export async function startHttpLayerCeiling(response: string) {
  const server = await Http1Server.listen('127.0.0.1', 0, {
    handler: async () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: response }),
    refusal: (status, message) => ({ status, headers: {}, body: message }),
  });
  return { server, url: `http://127.0.0.1:${server.port}` };
}
