// `osprey serve` as its composition root starts it: a model repository directory, and registry models whose
// alias moves under continuous REST load with no failed request.
import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { isOspreyError } from '../core/errors.js';
import { ModelRegistry } from '../registry/model-registry.js';
import { fixtureModelPath } from '../serving/test-support/fixtures.js';
import { type TempRepository, tempRepository } from '../serving/test-support/repository.js';
import { type Context, openContext } from './context.js';
import { registerServeCommand, type ServeOptions, startServe } from './serve.js';

const defaults: ServeOptions = { host: '127.0.0.1', port: '0', grpcPort: '0', pollInterval: '50' };
const inferBody = JSON.stringify({
  inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 10], data: Array.from({ length: 10 }, (_, i) => i / 10) }],
});

describe('osprey serve', () => {
  let repo: TempRepository;
  let home: string;
  before(async () => {
    repo = await tempRepository();
    await repo.addVersion('tabular', 1);
    home = await mkdtemp(join(tmpdir(), 'osprey-serve-'));
  });
  after(async () => {
    await repo.remove();
    await rm(home, { recursive: true, force: true });
  });

  it('registers the command with its options', () => {
    const program = new Command();
    registerServeCommand(program);
    const serve = program.commands.find((c) => c.name() === 'serve')!;
    const flags = serve.options.map((o) => o.long);
    for (const flag of ['--repository', '--model', '--port', '--grpc-port', '--max-batch-size', '--instances'])
      assert.ok(flags.includes(flag), flag);
  });

  it('serves a model repository directory, and refuses unclear sources', async () => {
    const running = await startServe({ ...defaults, repository: repo.root, maxBatchSize: '8', grpc: false });
    try {
      const response = await fetch(`${running.server.httpUrl}/v2/models/tabular/infer`, {
        method: 'POST',
        body: inferBody,
      });
      assert.equal(response.status, 200);
      assert.equal(running.server.grpcAddress, undefined);
      assert.equal(running.server.service.manager.resolve('tabular').batcher.config.maxBatchSize, 8);
    } finally {
      await running.close();
    }
    await assert.rejects(startServe(defaults), (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT'));
    await assert.rejects(startServe({ ...defaults, model: ['no-alias'] }), (e: unknown) =>
      isOspreyError(e, 'INVALID_ARGUMENT'),
    );
    await assert.rejects(startServe({ ...defaults, repository: repo.root, maxQueueSize: 'lots' }), (e: unknown) =>
      isOspreyError(e, 'INVALID_ARGUMENT'),
    );
  });

  it('follows a registry alias: moved under continuous load, the new version serves with no failed request', async () => {
    const open = () => openContext({ ...process.env, OSPREY_HOME: home, OSPREY_DB: undefined });
    const setup: Context = await open();
    const registry = new ModelRegistry(setup.store.registry);
    const bytes = await readFile(fixtureModelPath('tabular_classifier'));
    await registry.createModel('churn', '', []);
    for (const version of [1, 2]) {
      await setup.artifacts.put(`models/churn/v${version}/model.onnx`, Readable.from([bytes]));
      await registry.createVersion({
        name: 'churn',
        source: `mlflow-artifacts:/models/churn/v${version}`,
        runId: '',
        runLink: '',
        description: '',
        tags: [],
        userId: null,
      });
    }
    await registry.setAlias('churn', 'champion', 1);

    const running = await startServe({ ...defaults, model: ['churn@champion'] }, { openContext: open });
    const url = `${running.server.httpUrl}/v2/models/churn/infer`;
    const seen = new Set<string>();
    const failures: string[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        const response = await fetch(url, { method: 'POST', body: inferBody }).catch((e: Error) => e);
        if (response instanceof Error) failures.push(response.message);
        else if (response.status !== 200) failures.push(`${response.status} ${await response.text()}`);
        else seen.add(((await response.json()) as { model_version: string }).model_version);
      }
    };
    try {
      const clients = Array.from({ length: 8 }, client);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual([...seen], ['1']);
      await registry.setAlias('churn', 'champion', 2);
      const deadline = Date.now() + 10_000;
      while (!seen.has('2') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 200));
      stop = true;
      await Promise.all(clients);
      assert.deepEqual(failures, []);
      assert.deepEqual([...seen].sort(), ['1', '2']);
      assert.deepEqual(
        running.server.service.manager.versionsOf('churn').map((v) => v.version),
        ['2'],
      );
    } finally {
      stop = true;
      await running.close();
      await setup.close();
    }
  });
});
