// The directory repository and the model manager on real ONNX models: versions by policy, config files,
// readiness, and a version switch under continuous load with no failed request.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { InferenceService } from './inference-service.js';
import { DEFAULT_MODEL_CONFIG } from './model-config.js';
import { ModelManager } from './model-manager.js';
import { DirectoryModelRepository } from './model-repository.js';
import type { InferenceRequest } from './protocol/types.js';
import type { ModelRuntime } from './runtime.js';
import { OnnxRuntime } from './runtimes/onnx/onnx-runtime.js';
import { type TempRepository, tempRepository } from './test-support/repository.js';

const request = (rows = 1): InferenceRequest => ({
  parameters: {},
  inputs: [
    {
      name: 'features',
      datatype: 'FP32',
      shape: [rows, 10],
      data: Float32Array.from({ length: rows * 10 }, (_, i) => i / 10),
      parameters: {},
    },
  ],
  outputs: [],
});

describe('DirectoryModelRepository and ModelManager', () => {
  let repo: TempRepository;
  before(async () => {
    repo = await tempRepository();
    await repo.addVersion('tabular', 1);
    await repo.addVersion('tabular', 2);
    await repo.addVersion('pair', 1);
    await repo.addVersion('pair', 3);
    await repo.writeConfig(
      'pair',
      'config.yaml',
      'version_policy: { all: true }\nmax_batch_size: 8\ninstance_count: 2\n',
    );
  });
  after(() => repo.remove());

  it('lists models and selects versions by each model’s policy and config file', async () => {
    const repository = new DirectoryModelRepository(repo.root, DEFAULT_MODEL_CONFIG);
    assert.deepEqual(await repository.names(), ['pair', 'tabular']);
    const tabular = await repository.resolve('tabular');
    assert.deepEqual(
      tabular.versions.map((v) => v.version),
      ['2'],
    );
    const pair = await repository.resolve('pair');
    assert.deepEqual(
      pair.versions.map((v) => v.version),
      ['3', '1'],
    );
    assert.equal(pair.config.batching.maxBatchSize, 8);
    assert.equal(pair.config.instanceCount, 2);
    await assert.rejects(repository.resolve('missing'), (e: unknown) => isOspreyError(e, 'NOT_FOUND'));
    await assert.rejects(repository.resolve('../etc'), (e: unknown) => isOspreyError(e, 'NOT_FOUND'));
  });

  it('refuses a bad config file by name, and keeps serving what it served', async () => {
    const manager = new ModelManager(new OnnxRuntime());
    const service = new InferenceService(manager, new DirectoryModelRepository(repo.root, DEFAULT_MODEL_CONFIG), 't');
    await service.loadInitialModels(['tabular']);
    await repo.writeConfig('tabular', 'config.json', '{"max_batch_size": -1}');
    await assert.rejects(
      service.loadModel('tabular'),
      (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && /config\.json: max_batch_size/.test(e.message),
    );
    await service.infer('tabular', undefined, request());
    await repo.writeConfig('tabular', 'config.json', '{}');
    await manager.close();
  });

  it('keeps versions already served when asked (a rollout adding or dropping a challenger), loading only new ones', async () => {
    const manager = new ModelManager(new OnnxRuntime());
    const resolved = await new DirectoryModelRepository(repo.root, DEFAULT_MODEL_CONFIG).resolve('pair');
    const only = (versions: string[]) => ({
      ...resolved,
      versions: resolved.versions.filter((v) => versions.includes(v.version)),
    });
    await manager.load(only(['1']));
    const first = manager.resolve('pair', '1');
    await manager.load(only(['1', '3']), { keepServed: true });
    assert.equal(manager.resolve('pair', '1'), first, 'the served version 1 was kept, not loaded again');
    const added = manager.resolve('pair', '3');
    await manager.load(only(['3']), { keepServed: true });
    assert.equal(manager.resolve('pair', '3'), added);
    assert.deepEqual(
      manager.versionsOf('pair').map((v) => v.version),
      ['3'],
    );
    await manager.load(only(['3']));
    assert.notEqual(manager.resolve('pair', '3'), added, 'without keepServed a load reloads');
    await manager.close();
  });

  it('is not ready before start-up loads; swaps versions under continuous load with no failed request', async () => {
    const manager = new ModelManager(new OnnxRuntime());
    const service = new InferenceService(manager, new DirectoryModelRepository(repo.root, DEFAULT_MODEL_CONFIG), 't');
    assert.equal(service.ready(), false);
    await service.loadInitialModels();
    assert.equal(service.ready(), false);
    service.markStarted();
    assert.equal(service.ready(), true);
    assert.equal(manager.resolve('tabular').version, '2');

    let stop = false;
    const served = new Set<string>();
    const failures: unknown[] = [];
    let answered = 0;
    const client = async () => {
      while (!stop) {
        try {
          const response = await service.infer('tabular', undefined, request(1 + (answered % 3)));
          served.add(response.modelVersion!);
          answered++;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await repo.addVersion('tabular', 3);
    await service.loadModel('tabular'); // latest 1 → version 3 replaces 2
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop = true;
    await Promise.all(clients);
    assert.deepEqual(failures, []);
    assert.deepEqual([...served].sort(), ['2', '3']);
    assert.equal(manager.resolve('tabular').version, '3');
    assert.deepEqual(
      manager.index().filter((e) => e.name === 'tabular'),
      [
        { name: 'tabular', version: '3', state: 'READY', reason: '' },
        { name: 'tabular', version: '2', state: 'UNAVAILABLE', reason: 'unloaded' },
      ],
    );
    const stats = service.statistics('tabular').model_stats;
    assert.equal(stats.length, 1);
    assert.ok(stats[0]!.inference_count > 0);

    await service.unloadModel('tabular');
    assert.equal(service.ready(), true);
    await assert.rejects(service.infer('tabular', undefined, request()), (e: unknown) => isOspreyError(e, 'NOT_FOUND'));
    await manager.close();
  });

  it('closes what a load under way loads (a failed start-up frees every session), and refuses later loads', async () => {
    const runtime = new OnnxRuntime();
    let open = 0;
    const counting: ModelRuntime = {
      name: runtime.name,
      async load(source, options) {
        await new Promise((resolve) => setTimeout(resolve, 100)); // still loading when close is called
        const model = await runtime.load(source, options);
        open++;
        return {
          signature: model.signature,
          infer: (inputs, outputs) => model.infer(inputs, outputs),
          close: async () => {
            open--;
            await model.close();
          },
        };
      },
    };
    const manager = new ModelManager(counting);
    const repository = new DirectoryModelRepository(repo.root, DEFAULT_MODEL_CONFIG);
    const loading = manager.load(await repository.resolve('tabular'));
    await new Promise((resolve) => setTimeout(resolve, 20)); // the load has begun
    await manager.close();
    await loading;
    assert.equal(open, 0, 'the session the load opened was closed');
    assert.deepEqual(manager.all(), []);
    await assert.rejects(manager.load(await repository.resolve('tabular')), (e: unknown) =>
      isOspreyError(e, 'UNAVAILABLE'),
    );
  });

  it('passes warm_up from the config file to the runtime', async () => {
    const runtime = new OnnxRuntime();
    const asked: (boolean | undefined)[] = [];
    const recording: ModelRuntime = {
      name: runtime.name,
      load: (source, options) => {
        asked.push(options?.warmUp);
        return runtime.load(source, options);
      },
    };
    const cold = await tempRepository();
    try {
      await cold.addVersion('cold', 1);
      await cold.writeConfig('cold', 'config.yaml', 'warm_up: false\n');
      await cold.addVersion('warm', 1);
      const manager = new ModelManager(recording);
      const repository = new DirectoryModelRepository(cold.root, DEFAULT_MODEL_CONFIG);
      await manager.load(await repository.resolve('cold'));
      await manager.load(await repository.resolve('warm'));
      assert.deepEqual(asked, [false, true]);
      await manager.close();
    } finally {
      await cold.remove();
    }
  });
});
