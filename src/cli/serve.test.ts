// `osprey serve` as its composition root starts it: a model repository directory, and registry models whose
// alias moves under continuous REST load with no failed request.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { isOspreyError } from '../core/errors.js';
import { ModelRegistry } from '../registry/model-registry.js';
import { fixtureModelPath } from '../serving/test-support/fixtures.js';
import { type TempRepository, tempRepository } from '../serving/test-support/repository.js';
import { openSqlStore } from '../store/sql/index.js';
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
    for (const flag of [
      '--repository',
      '--model',
      '--port',
      '--grpc-port',
      '--max-batch-size',
      '--instances',
      '--inference-thread',
      '--prediction-log',
      '--log-sample-rate',
      '--log-format',
      '--endpoint',
      '--rollout-interval',
    ])
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
    for (const bad of [{ maxQueueSize: 'lots' }, { inferenceThread: 'gpu' }, { logSampleRate: '2' }])
      await assert.rejects(startServe({ ...defaults, repository: repo.root, ...bad }), (e: unknown) =>
        isOspreyError(e, 'INVALID_ARGUMENT'),
      );
    // A bad flag is refused before anything listens: its port is still free afterwards.
    const free = await freePort();
    for (const bad of [{ pollInterval: '5' }, { rolloutInterval: 'often' }])
      await assert.rejects(
        startServe({ ...defaults, repository: repo.root, port: String(free), grpc: false, ...bad }),
        (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT'),
      );
    assert.equal(await freePort(free), free);
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

      // Unloaded through the repository API, a model stays unloaded: the watcher does not bring it back.
      const api = `${running.server.httpUrl}/v2/repository/models/churn`;
      assert.equal((await fetch(`${api}/unload`, { method: 'POST' })).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 300)); // six polls
      assert.equal((await fetch(`${running.server.httpUrl}/v2/models/churn/ready`)).status, 503);
      assert.equal((await fetch(`${api}/load`, { method: 'POST' })).status, 200);
      assert.equal((await fetch(`${running.server.httpUrl}/v2/models/churn/versions/2/ready`)).status, 200);
    } finally {
      stop = true;
      await running.close();
      await setup.close();
    }
  });

  it('logs predictions to the configured store and writes every queued one when stopped by SIGTERM', async () => {
    const logHome = await mkdtemp(join(tmpdir(), 'osprey-serve-log-'));
    // The command as `osprey serve` runs it (its own SIGTERM handling), in a child process.
    const script = [
      "import { Command } from 'commander';",
      `import { registerServeCommand } from ${JSON.stringify(new URL('./serve.ts', import.meta.url).href)};`,
      'const program = new Command();',
      'registerServeCommand(program);',
      "await program.parseAsync(process.argv.slice(1), { from: 'user' });",
    ].join('\n');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
        'serve',
        '--repository',
        repo.root,
        '--port',
        '0',
        '--no-grpc',
      ],
      { env: { ...process.env, OSPREY_HOME: logHome, OSPREY_DB: '' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /REST .* on (http:\/\/[\d.:]+)\/v2/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.on('exit', (code) => reject(new Error(`osprey serve exited (${code}) before listening: ${out}`)));
      });
      assert.match(out, /prediction log: on/);
      for (let i = 0; i < 30; i++) {
        const body = JSON.stringify({ id: `sigterm-${i}`, ...JSON.parse(inferBody) });
        const response = await fetch(`${url}/v2/models/tabular/infer`, { method: 'POST', body });
        assert.equal(response.status, 200);
      }
      // The last rows are still queued (200 ms flush interval) when the signal arrives.
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      const store = await openSqlStore({ kind: 'sqlite', path: join(logHome, 'osprey.db') });
      try {
        const logged = await store.predictions.window('tabular');
        assert.deepEqual(
          logged.map((p) => p.requestId).sort(),
          Array.from({ length: 30 }, (_, i) => `sigterm-${i}`).sort(),
        );
      } finally {
        await store.close();
      }
    } finally {
      child.kill('SIGKILL');
      await rm(logHome, { recursive: true, force: true });
    }
  });
});

/** A port nothing listens on (the one asked for, or any): resolves once it was bound and released. */
function freePort(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => {
      const bound = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(bound));
    });
  });
}
