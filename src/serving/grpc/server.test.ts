// The gRPC API over 127.0.0.1 with @grpc/grpc-js loading our inference.proto: health, metadata, ModelInfer with
// raw and typed contents compared with PyTorch's outputs, and errors mapped to gRPC status codes.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Client, credentials, loadPackageDefinition, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { decodeModelInferResponse, encodeModelInferRequest } from '../protocol/grpc/codec.js';
import { loadInferenceProto, type ModelInferRequestMessage } from '../protocol/grpc/proto.js';
import type { InferenceRequest } from '../protocol/types.js';
import { expected } from '../test-support/fixtures.js';
import { startTestServer, type TestServer } from '../test-support/server.js';

const tabular = expected.tabular_classifier;
const features = tabular.inputs.features!;

type Callback = (error: ServiceError | null, response: unknown) => void;
type InferenceClient = Client & Record<string, (request: unknown, callback: Callback) => void>;

function featuresRequest(
  rows: number,
  values: number[] = features.data.slice(0, rows * 10) as number[],
): InferenceRequest {
  return {
    parameters: {},
    inputs: [
      { name: 'features', datatype: 'FP32', shape: [rows, 10], data: Float32Array.from(values), parameters: {} },
    ],
    outputs: [],
  };
}

function assertClose(actual: ArrayLike<number>, wanted: ArrayLike<number>) {
  assert.equal(actual.length, wanted.length);
  for (let i = 0; i < wanted.length; i++) assert.ok(Math.abs(actual[i]! - wanted[i]!) <= 1e-6, `element ${i}`);
}

describe('gRPC API (inference.GRPCInferenceService)', () => {
  let test: TestServer;
  let client: InferenceClient;
  const call = <T = Record<string, unknown>>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) =>
      client[method]!(request, (error, response) => (error ? reject(error) : resolve(response as T))),
    );
  const rejectsWith = (promise: Promise<unknown>, code: status, message: RegExp) =>
    assert.rejects(promise, (e: ServiceError) => e.code === code && message.test(e.details));

  before(async () => {
    test = await startTestServer();
    const loaded = loadPackageDefinition(loadInferenceProto()) as unknown as {
      inference: { GRPCInferenceService: new (address: string, creds: unknown) => InferenceClient };
    };
    client = new loaded.inference.GRPCInferenceService(test.server.grpcAddress!, credentials.createInsecure());
  });
  after(async () => {
    client.close();
    await test.stop();
  });

  it('answers ServerLive, ServerReady, ModelReady, ServerMetadata and ModelMetadata', async () => {
    assert.deepEqual(await call('ServerLive', {}), { live: true });
    assert.deepEqual(await call('ServerReady', {}), { ready: true });
    assert.deepEqual(await call('ModelReady', { name: 'tabular', version: '1' }), { ready: true });
    assert.deepEqual(await call('ModelReady', { name: 'tabular', version: '5' }), { ready: false });
    assert.deepEqual(await call('ServerMetadata', {}), {
      name: 'osprey',
      version: 'test',
      extensions: ['binary_tensor_data', 'model_repository', 'statistics'],
    });
    const metadata = await call('ModelMetadata', { name: 'tabular', version: '' });
    assert.deepEqual(metadata, {
      name: 'tabular',
      versions: ['2', '1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'features', datatype: 'FP32', shape: ['-1', '10'] }],
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: ['-1', '3'] },
        { name: 'label', datatype: 'INT64', shape: ['-1'] },
      ],
      properties: {},
    });
    await rejectsWith(
      call('ModelMetadata', { name: 'nope', version: '' }),
      status.NOT_FOUND,
      /model 'nope' is not loaded/,
    );
  });

  it('infers with raw_input_contents and answers with raw_output_contents', async () => {
    const message = encodeModelInferRequest('tabular', { ...featuresRequest(5), id: 'g1' }, { modelVersion: '1' });
    const response = decodeModelInferResponse(await call('ModelInfer', message));
    assert.equal(response.id, 'g1');
    assert.equal(response.modelVersion, '1');
    assert.deepEqual(response.outputs[0]!.shape, [5, 3]);
    assertClose(response.outputs[0]!.data as Float32Array, tabular.outputs.probabilities!.data as number[]);
    assert.deepEqual([...(response.outputs[1]!.data as BigInt64Array)].map(Number), tabular.outputs.label!.data);
  });

  it('infers with typed contents and answers with typed contents', async () => {
    const message = encodeModelInferRequest('tabular', featuresRequest(5), { raw: false });
    const raw = await call<{ raw_output_contents: unknown[]; outputs: { contents: { fp32_contents: number[] } }[] }>(
      'ModelInfer',
      message,
    );
    assert.deepEqual(raw.raw_output_contents, []);
    assertClose(raw.outputs[0]!.contents.fp32_contents, tabular.outputs.probabilities!.data as number[]);
  });

  it('maps errors to gRPC status codes and keeps serving', async () => {
    const bad = (patch: (m: ModelInferRequestMessage) => void) => {
      const message = encodeModelInferRequest('tabular', featuresRequest(1), { raw: false });
      patch(message);
      return call('ModelInfer', message);
    };
    await rejectsWith(
      bad((m) => {
        m.model_name = 'nope';
      }),
      status.NOT_FOUND,
      /not loaded/,
    );
    await rejectsWith(
      bad((m) => {
        m.inputs[0]!.shape = ['1', '9'];
      }),
      status.INVALID_ARGUMENT,
      /holds 9 elements/,
    );
    await rejectsWith(
      bad((m) => {
        m.inputs[0]!.datatype = 'FP64';
        m.inputs[0]!.contents = { fp64_contents: Array(10).fill(0) };
      }),
      status.INVALID_ARGUMENT,
      /datatype FP64 but the model expects FP32/,
    );
    await rejectsWith(
      bad((m) => {
        m.inputs[0]!.datatype = 'COMPLEX';
      }),
      status.INVALID_ARGUMENT,
      /unknown datatype/,
    );
    // `tight` keeps one request queued for 300 ms and holds no second one.
    const waiting = call('ModelInfer', encodeModelInferRequest('tight', featuresRequest(1)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await rejectsWith(
      call('ModelInfer', encodeModelInferRequest('tight', featuresRequest(1))),
      status.RESOURCE_EXHAUSTED,
      /queue is full/,
    );
    await waiting;
    assert.deepEqual(await call('ServerLive', {}), { live: true });
  });

  it('speaks the gRPC transport: unknown methods, deadlines, retry-after, compression, message size', async () => {
    const loaded = loadPackageDefinition(loadInferenceProto()) as unknown as {
      inference: { GRPCInferenceService: new (address: string, creds: unknown, options?: object) => InferenceClient };
    };
    const Client = loaded.inference.GRPCInferenceService;
    const unknown = await new Promise<ServiceError | null>((resolve) =>
      client.makeUnaryRequest(
        '/inference.GRPCInferenceService/NoSuchMethod',
        (value: Buffer) => value,
        (value: Buffer) => value,
        Buffer.alloc(0),
        (error) => resolve(error),
      ),
    );
    assert.equal(unknown?.code, status.UNIMPLEMENTED);

    // `tight` holds a request 300 ms: a 50 ms deadline passes first; a second request finds the queue full.
    const withDeadline = client as unknown as Record<
      string,
      (m: unknown, md: Metadata, o: object, cb: Callback) => void
    >;
    const late = new Promise<ServiceError | null>((resolve) =>
      withDeadline.ModelInfer!(
        encodeModelInferRequest('tight', featuresRequest(1)),
        new Metadata(),
        { deadline: Date.now() + 50 },
        (error) => resolve(error),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const full = await call('ModelInfer', encodeModelInferRequest('tight', featuresRequest(1))).catch(
      (e: ServiceError) => e,
    );
    assert.equal((full as ServiceError).code, status.RESOURCE_EXHAUSTED);
    assert.deepEqual((full as ServiceError).metadata.get('retry-after'), ['1']);
    assert.equal((await late)?.code, status.DEADLINE_EXCEEDED);
    // A deadline beyond what a timer can wait (30 days: grpc-timeout 2592000S) is none, not one that passes at once.
    await new Promise((resolve) => setTimeout(resolve, 300)); // the late request leaves `tight`'s queue
    const patient = await new Promise<ServiceError | null>((resolve) =>
      withDeadline.ModelInfer!(
        encodeModelInferRequest('tight', featuresRequest(1)),
        new Metadata(),
        { deadline: Date.now() + 30 * 86_400_000 },
        (error) => resolve(error),
      ),
    );
    assert.equal(patient, null);

    const gzip = new Client(test.server.grpcAddress!, credentials.createInsecure(), {
      'grpc.default_compression_algorithm': 2,
    });
    try {
      const compressed = await new Promise<ServiceError | null>((resolve) =>
        gzip.ModelInfer!(encodeModelInferRequest('tabular', featuresRequest(1)), (error) => resolve(error)),
      );
      assert.equal(compressed?.code, status.UNIMPLEMENTED);
    } finally {
      gzip.close();
    }

    const small = await startTestServer({ maxBodyBytes: 2048 });
    const smallClient = new Client(small.server.grpcAddress!, credentials.createInsecure());
    try {
      const big = await new Promise<ServiceError | null>((resolve) =>
        smallClient.ModelInfer!(
          encodeModelInferRequest('tabular', featuresRequest(64, Array(640).fill(0.5))),
          (error) => resolve(error),
        ),
      );
      assert.equal(big?.code, status.RESOURCE_EXHAUSTED);
      assert.match(big!.details, /larger than the limit of 2048 bytes/);
      assert.deepEqual(
        await new Promise((resolve, reject) =>
          smallClient.ServerLive!({}, (error, response) => (error ? reject(error) : resolve(response))),
        ),
        { live: true },
      );
    } finally {
      smallClient.close();
      await small.stop();
    }
  });
});
