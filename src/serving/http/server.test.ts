// The REST API over 127.0.0.1 with fetch: Open Inference Protocol V2 and Triton's extensions, outputs compared
// with PyTorch's (expected.json) and with in-process ONNX Runtime; bad input and overload get the specified errors
// and the server stays up.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeBinaryData, encodeBinaryData } from '../protocol/binary-data.js';
import { OnnxRuntime } from '../runtimes/onnx/onnx-runtime.js';
import { expected, fixtureModelPath } from '../test-support/fixtures.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read as loosely typed JSON
type Json = any;
const read = async (response: Response): Promise<Json> => response.json();

const tabular = expected.tabular_classifier;
const tokens = expected.token_scorer;
const features = tabular.inputs.features!;

function assertClose(actual: ArrayLike<number>, wanted: ArrayLike<number>, what: string) {
  assert.equal(actual.length, wanted.length, what);
  for (let i = 0; i < wanted.length; i++) assert.ok(Math.abs(actual[i]! - wanted[i]!) <= 1e-6, `${what}[${i}]`);
}

describe('REST API (V2)', () => {
  let test: TestServer;
  let url: string;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    });
  const inferJson = (rows: number, data: unknown = features.data.slice(0, rows * 10)) => ({
    inputs: [{ name: 'features', datatype: 'FP32', shape: [rows, 10], data }],
  });

  before(async () => {
    test = await startTestServer({ maxBodyBytes: 1 << 20 });
    url = test.server.httpUrl;
  });
  after(() => test.stop());

  it('answers health, server metadata and model metadata', async () => {
    assert.equal((await fetch(`${url}/v2/health/live`)).status, 200);
    const ready = await fetch(`${url}/v2/health/ready`);
    assert.deepEqual([ready.status, await read(ready)], [200, { ready: true }]);
    assert.deepEqual(await read(await fetch(`${url}/v2`)), {
      name: 'osprey',
      version: 'test',
      extensions: ['binary_tensor_data', 'model_repository', 'statistics'],
    });
    assert.deepEqual(await read(await fetch(`${url}/v2/models/tabular`)), {
      name: 'tabular',
      versions: ['2', '1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 10] }],
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
        { name: 'label', datatype: 'INT64', shape: [-1] },
      ],
    });
    assert.equal((await fetch(`${url}/v2/models/tabular/versions/1`)).status, 200);
    assert.equal((await fetch(`${url}/v2/models/tabular/versions/1/ready`)).status, 200);
    const missing = await fetch(`${url}/v2/models/tabular/versions/7/ready`);
    assert.deepEqual([missing.status, await read(missing)], [503, { name: 'tabular', ready: false }]);
  });

  it('infers with JSON tensors (nested or flat), equal to PyTorch and to in-process ONNX Runtime', async () => {
    const nested = Array.from({ length: 5 }, (_, row) => features.data.slice(row * 10, row * 10 + 10));
    const response = await post('/v2/models/tabular/versions/1/infer', { id: 'r1', ...inferJson(5, nested) });
    assert.equal(response.status, 200);
    const body = await read(response);
    assert.equal(body.model_name, 'tabular');
    assert.equal(body.model_version, '1');
    assert.equal(body.id, 'r1');
    assertClose(body.outputs[0].data, tabular.outputs.probabilities!.data as number[], 'probabilities');
    assert.deepEqual(body.outputs[1].data, tabular.outputs.label!.data);

    const model = await new OnnxRuntime().load({ path: fixtureModelPath('tabular_classifier') });
    const local = await model.infer(
      new Map([['features', { datatype: 'FP32', shape: [5, 10], data: Float32Array.from(features.data as number[]) }]]),
    );
    await model.close();
    assertClose(body.outputs[0].data, local.get('probabilities')!.data as Float32Array, 'ORT probabilities');

    const flat = await read(await post('/v2/models/tabular/infer', { ...inferJson(2), outputs: [{ name: 'label' }] }));
    assert.equal(flat.model_version, '2');
    assert.deepEqual(flat.outputs, [
      { name: 'label', datatype: 'INT64', shape: [2], data: tabular.outputs.label!.data.slice(0, 2) },
    ]);
  });

  it('infers with BOOL and INT64 inputs (token_scorer)', async () => {
    const inputs = Object.entries(tokens.inputs).map(([name, t]) => ({
      name,
      datatype: t.datatype,
      shape: t.shape,
      data: t.data,
    }));
    const body = await read(await post('/v2/models/tokens/infer', { inputs }));
    assertClose(body.outputs[0].data, tokens.outputs.score!.data as number[], 'score');
  });

  it('infers with Triton binary tensors in and out', async () => {
    const bytes = encodeBinaryData('FP32', Float32Array.from(features.data as number[]));
    const header = Buffer.from(
      JSON.stringify({
        inputs: [
          { name: 'features', shape: [5, 10], datatype: 'FP32', parameters: { binary_data_size: bytes.byteLength } },
        ],
        parameters: { binary_data_output: true },
      }),
    );
    const response = await post('/v2/models/tabular/infer', Buffer.concat([header, bytes]), {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(header.byteLength),
    });
    assert.equal(response.status, 200);
    const headerLength = Number(response.headers.get('inference-header-content-length'));
    const raw = Buffer.from(await response.arrayBuffer());
    const json = JSON.parse(raw.subarray(0, headerLength).toString());
    assert.deepEqual(
      json.outputs.map((o: { parameters: unknown }) => o.parameters),
      [{ binary_data_size: 60 }, { binary_data_size: 40 }],
    );
    const probabilities = decodeBinaryData('FP32', raw.subarray(headerLength, headerLength + 60), 15, 'p');
    assertClose(probabilities, tabular.outputs.probabilities!.data as number[], 'binary probabilities');
  });

  it('answers malformed, mistyped and oversized requests with 4xx {"error"} and stays up', async () => {
    const cases: [string, unknown, Record<string, string>, number, RegExp][] = [
      ['/v2/models/tabular/infer', '{"inputs": [', {}, 400, /must be a JSON inference request/],
      ['/v2/models/tabular/infer', inferJson(1, Array(9).fill(0)), {}, 400, /holds 10 elements but "data" has 9/],
      [
        '/v2/models/tabular/infer',
        { inputs: [{ name: 'features', datatype: 'INT32', shape: [1, 10], data: Array(10).fill(1) }] },
        {},
        400,
        /input 'features' has datatype INT32 but the model expects FP32/,
      ],
      ['/v2/models/tabular/infer', inferJson(1, [Array(10).fill('x')]), {}, 400, /element 0 of FP32 data is "x"/],
      ['/v2/models/tabular/infer', { inputs: [] }, {}, 400, /missing input 'features'/],
      [
        '/v2/models/tabular/infer',
        inferJson(1),
        { 'inference-header-content-length': '9999' },
        400,
        /Inference-Header-Content-Length/,
      ],
      ['/v2/models/nope/infer', inferJson(1), {}, 404, /model 'nope' is not loaded/],
      ['/v2/models/tabular/versions/9/infer', inferJson(1), {}, 404, /no version '9'/],
      ['/v2/models/tabular/infer', 'x'.repeat(2 << 20), {}, 413, /larger than the limit/],
      ['/v2/nothing', {}, {}, 404, /no endpoint POST \/v2\/nothing/],
      // Names are percent-decoded after matching: an encoded '/' stays in the name; a bad escape is the client's.
      ['/v2/models/tab%2Fular/infer', inferJson(1), {}, 404, /model 'tab\/ular' is not loaded/],
      ['/v2/models/tab%E0ular/infer', inferJson(1), {}, 400, /malformed percent-encoding/],
    ];
    for (const [path, body, headers, status, message] of cases) {
      const response = await post(path, body, headers);
      const json = await read(response);
      assert.equal(response.status, status, `${path} ${JSON.stringify(json)}`);
      assert.match(json.error, message);
    }
    const nan = await post('/v2/models/tabular/infer', {
      inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 10], parameters: { binary_data_size: 40 } }],
    });
    assert.equal(nan.status, 400);
    assert.equal((await post('/v2/models/tabular/infer', inferJson(1))).status, 200);
    assert.equal((await post('/v2/models/tab%75lar/infer', inferJson(1))).status, 200, 'an encoded name is decoded');
  });

  it('refuses requests beyond max_queue_size at once with 503, Retry-After and a structured error', async () => {
    // `tight` holds one queued request for up to 300 ms (max_queue_size 1): the second is refused at once.
    const waiting = post('/v2/models/tight/infer', inferJson(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = [await post('/v2/models/tight/infer', inferJson(1))];
    assert.equal(refused[0]!.status, 503);
    assert.equal((await waiting).status, 200);
    assert.equal(refused[0]!.headers.get('retry-after'), '1');
    const body = await read(refused[0]!);
    assert.equal(body.code, 'RESOURCE_EXHAUSTED');
    assert.equal(body.details.reason, 'queue-full');
    assert.match(body.error, /queue is full/);
    assert.equal((await post('/v2/models/tight/infer', inferJson(1))).status, 200);
  });

  it('serves the repository and statistics extensions and Prometheus metrics', async () => {
    const index = await read(await post('/v2/repository/index', {}));
    assert.deepEqual(
      index.filter((e: { name: string }) => e.name === 'tabular'),
      [
        { name: 'tabular', version: '2', state: 'READY', reason: '' },
        { name: 'tabular', version: '1', state: 'READY', reason: '' },
      ],
    );
    assert.equal((await post('/v2/repository/models/tokens/unload', {})).status, 200);
    assert.equal((await fetch(`${url}/v2/models/tokens/ready`)).status, 503);
    assert.equal((await post('/v2/models/tokens/infer', { inputs: [] })).status, 404);
    assert.equal((await fetch(`${url}/v2/health/ready`)).status, 200);
    const reload = await post('/v2/repository/models/tokens/load', '');
    assert.equal(reload.status, 200, JSON.stringify(await read(reload)));
    assert.equal((await fetch(`${url}/v2/models/tokens/ready`)).status, 200);
    const unknown = await post('/v2/repository/models/ghost/load', {});
    assert.equal(unknown.status, 404);
    assert.match((await read(unknown)).error, /no model 'ghost'/);

    const stats = await read(await fetch(`${url}/v2/models/tabular/versions/1/stats`));
    const [entry] = stats.model_stats;
    assert.equal(entry.name, 'tabular');
    assert.equal(entry.version, '1');
    assert.ok(entry.inference_count >= 5);
    assert.ok(entry.inference_stats.success.count >= 1);
    assert.ok(entry.batch_stats.length >= 1);
    const all = await read(await fetch(`${url}/v2/models/stats`));
    assert.ok(all.model_stats.length >= 3);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    for (const name of [
      'osprey_inference_request_duration_seconds_bucket{model="tabular",version="1",le="0.001"}',
      'osprey_inference_queue_duration_seconds_count',
      'osprey_inference_compute_duration_seconds_sum',
      'osprey_inference_batch_size_bucket',
      'osprey_inference_success_total{model="tabular",version="2"}',
      'osprey_inference_failure_total{model="tabular",version="2",reason="invalid_argument"}',
      'osprey_inference_failure_total{model="tight",version="1",reason="queue-full"}',
      'osprey_inference_in_flight_requests{model="tabular",version="1"} 0',
      'osprey_inference_queued_requests',
    ])
      assert.ok(metrics.includes(name), name);
  });
});
