// The prediction log end to end: a model server over a real SQLite metadata store, driven over REST and gRPC
// on 127.0.0.1; what reaches the store's prediction log (features, labels, scores, ids), overload drops counted
// while inference succeeds, and nothing queued lost on close.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { credentials, loadPackageDefinition, type ServiceError } from '@grpc/grpc-js';
import { isOspreyError } from '../../core/errors.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { openSqlStore } from '../../store/sql/index.js';
import { DEFAULT_MODEL_CONFIG } from '../model-config.js';
import { DirectoryModelRepository } from '../model-repository.js';
import { type RunningModelServer, startModelServer } from '../model-server.js';
import { encodeModelInferRequest } from '../protocol/grpc/codec.js';
import { loadInferenceProto } from '../protocol/grpc/proto.js';
import { OnnxRuntime } from '../runtimes/onnx/onnx-runtime.js';
import { expected } from '../test-support/fixtures.js';
import { type TempRepository, tempRepository } from '../test-support/repository.js';
import type { PredictionLoggerOptions } from './prediction-logger.js';

const tabular = expected.tabular_classifier;
const rows = (n: number) => tabular.inputs.features!.data.slice(0, n * 10) as number[];
const NAMES = Array.from({ length: 10 }, (_, i) => `f${i}`);

interface InferJson {
  id?: string;
  outputs: { name: string; data: number[] }[];
}

describe('prediction log', () => {
  let home: string;
  let store: MetadataStore;
  let repo: TempRepository;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'osprey-predlog-'));
    store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
    repo = await tempRepository();
    await repo.addVersion('named', 1);
    await repo.writeConfig(
      'named',
      'config.yaml',
      `logging: { deployment: churn-prod, feature_names: [${NAMES.join(', ')}] }\n`,
    );
    await repo.addVersion('plain', 3);
    await repo.addVersion('silent', 1);
    await repo.writeConfig('silent', 'config.json', '{"logging": false}');
    await repo.addVersion('tokens', 1, 'token_scorer');
  });
  after(async () => {
    await store.close();
    await repo.remove();
    await rm(home, { recursive: true, force: true });
  });

  const start = (options: Omit<PredictionLoggerOptions, 'registry'> = {}, models?: string[]) =>
    startModelServer({
      runtime: new OnnxRuntime(),
      repository: new DirectoryModelRepository(repo.root, DEFAULT_MODEL_CONFIG),
      ...(models === undefined ? {} : { models }),
      host: '127.0.0.1',
      httpPort: 0,
      grpcPort: 0,
      version: 'test',
      predictionLog: store.predictions,
      predictionLogOptions: options,
    });
  const infer = async (server: RunningModelServer, model: string, body: unknown): Promise<InferJson> => {
    const response = await fetch(`${server.httpUrl}/v2/models/${model}/infer`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as InferJson;
  };
  const featuresBody = (n: number, id?: string) => ({
    ...(id === undefined ? {} : { id }),
    inputs: [{ name: 'features', datatype: 'FP32', shape: [n, 10], data: rows(n) }],
  });

  it('logs each row with named features, the label as prediction and the probabilities as scores', async () => {
    const server = await start();
    try {
      const answer = await infer(server, 'named', featuresBody(3, 'req-7'));
      const unnamed = await infer(server, 'plain', featuresBody(1));
      await infer(server, 'silent', featuresBody(1, 'never'));
      await server.predictionLogger!.flush();

      const logged = await store.predictions.window('churn-prod');
      assert.deepEqual(
        logged.map((p) => p.requestId),
        ['req-7:0', 'req-7:1', 'req-7:2'],
      );
      const probabilities = answer.outputs.find((o) => o.name === 'probabilities')!.data;
      const labels = answer.outputs.find((o) => o.name === 'label')!.data;
      for (const [row, record] of logged.entries()) {
        assert.equal(record.modelName, 'named');
        assert.equal(record.modelVersion, '1');
        assert.deepEqual(Object.keys(record.features), NAMES);
        for (const [column, name] of NAMES.entries())
          assert.equal(record.features[name], Math.fround(rows(3)[row * 10 + column]!), name);
        assert.equal(record.prediction, labels[row]);
        assert.deepEqual(record.scores, probabilities.slice(row * 3, row * 3 + 3));
        assert.equal(record.label, null);
      }
      assert.deepEqual(labels, tabular.outputs.label!.data.slice(0, 3));

      const [plain] = await store.predictions.window('plain');
      assert.ok(plain, 'the model name is the default deployment');
      assert.match(plain.requestId, /^[0-9a-f]{12}-\w+$/, 'a generated id when the request has none');
      assert.equal(plain.modelVersion, '3');
      assert.deepEqual(
        Object.keys(plain.features),
        NAMES.map((_, i) => `features_${i}`),
      );
      assert.equal(plain.prediction, unnamed.outputs.find((o) => o.name === 'label')!.data[0]);
      assert.deepEqual(await store.predictions.window('silent'), [], 'logging: false logs nothing');
    } finally {
      await server.close();
    }
  });

  it("uses the client's request id over gRPC too, and the first output when no output is a label", async () => {
    const server = await start({}, ['named', 'tokens']);
    const loaded = loadPackageDefinition(loadInferenceProto()) as unknown as {
      inference: {
        GRPCInferenceService: new (
          address: string,
          creds: unknown,
        ) => {
          ModelInfer(m: unknown, cb: (e: ServiceError | null, r: unknown) => void): void;
          close(): void;
        };
      };
    };
    const client = new loaded.inference.GRPCInferenceService(server.grpcAddress!, credentials.createInsecure());
    try {
      const message = encodeModelInferRequest('named', {
        id: 'grpc-1',
        parameters: {},
        inputs: [
          { name: 'features', datatype: 'FP32', shape: [1, 10], data: Float32Array.from(rows(1)), parameters: {} },
        ],
        outputs: [],
      });
      await new Promise((resolve, reject) =>
        client.ModelInfer(message, (error, response) => (error ? reject(error) : resolve(response))),
      );
      const tokens = expected.token_scorer;
      const answer = await infer(server, 'tokens', {
        id: 'tok',
        inputs: Object.entries(tokens.inputs).map(([name, t]) => ({ name, ...t })),
      });
      await server.predictionLogger!.flush();

      const [viaGrpc] = await store.predictions.window('churn-prod', { limit: 1 });
      assert.equal(viaGrpc?.requestId, 'grpc-1', 'a one-row request is logged under its own id');
      const logged = await store.predictions.window('tokens');
      const score = answer.outputs[0]!.data;
      assert.equal(logged.length, score.length);
      for (const [row, record] of logged.entries()) {
        assert.equal(record.requestId, `tok:${row}`);
        assert.equal(record.prediction, score[row], 'the score (no label output) is the prediction');
        assert.equal(record.scores, null);
        assert.ok('token_ids_0' in record.features && 'mask_0' in record.features);
      }
    } finally {
      client.close();
      await server.close();
    }
  });

  it('drops and counts what overflows its queue, never failing inference, and writes the rest on close', async () => {
    const server = await start({ maxQueuedRows: 5, flushIntervalMs: 60_000, flushRows: 1_000 }, ['plain']);
    let closed = false;
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => infer(server, 'plain', featuresBody(1, `overload-${i}`))),
      );
      assert.equal(answers.length, 20, 'every request answered');
      assert.equal(server.predictionLogger!.pendingRows, 5);
      const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
      assert.match(metrics, /osprey_prediction_log_dropped_total\{reason="queue_full"\} 15\b/);
      assert.deepEqual(await store.predictions.window('plain', { sinceMs: 0 }).then((l) => l.filter(isOverload)), []);
      await server.close();
      closed = true;
      const written = (await store.predictions.window('plain')).filter(isOverload);
      assert.equal(written.length, 5, 'the rows queued before close are written by close');
      assert.deepEqual(server.predictionLogger!.totals, { written: 5, dropped: 15 });
    } finally {
      if (!closed) await server.close();
    }
  });

  it('writes from a worker thread with its own store connection, and refuses a store it cannot open', async () => {
    const opener = (path: string) => ({
      module: import.meta.resolve('../../store/sql/index.js'),
      exportName: 'openSqlStore',
      args: [{ kind: 'sqlite', path }],
    });
    const server = await startModelServer({
      runtime: new OnnxRuntime(),
      repository: new DirectoryModelRepository(repo.root, DEFAULT_MODEL_CONFIG),
      models: ['named'],
      host: '127.0.0.1',
      httpPort: 0,
      grpcPort: null,
      version: 'test',
      predictionLog: opener(join(home, 'osprey.db')),
    });
    try {
      // The writer thread runs at the lowest CPU priority: Linux gives each thread its own nice value.
      if (existsSync('/proc/thread-self')) assert.ok(threadNiceValues().includes(19), `${threadNiceValues()}`);
      await infer(server, 'named', featuresBody(2, 'from-worker'));
      await server.predictionLogger!.flush();
      const logged = await store.predictions.window('churn-prod');
      const mine = logged.filter((p) => p.requestId.startsWith('from-worker'));
      assert.deepEqual(
        mine.map((p) => [p.requestId, Object.keys(p.features).length]),
        [
          ['from-worker:0', 10],
          ['from-worker:1', 10],
        ],
      );
    } finally {
      await server.close();
    }
    await assert.rejects(
      startModelServer({
        runtime: new OnnxRuntime(),
        repository: new DirectoryModelRepository(repo.root, DEFAULT_MODEL_CONFIG),
        models: ['named'],
        host: '127.0.0.1',
        httpPort: 0,
        grpcPort: null,
        version: 'test',
        predictionLog: opener(join(home, 'osprey.db', 'under-a-file.db')), // a file is no directory
      }),
      (e: unknown) => isOspreyError(e, 'UNAVAILABLE') && /cannot open the metadata store/.test(e.message),
    );
  });
});

/** The nice value of each thread of this process (Linux). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

const isOverload = (p: { requestId: string }) => p.requestId.startsWith('overload-');
