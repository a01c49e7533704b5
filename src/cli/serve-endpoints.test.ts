// `osprey serve --endpoint`: live rollouts through the real server — registry models trained by src/ml and exported
// to ONNX, a SQLite store, REST over 127.0.0.1. Shadow (the caller only ever sees the champion), canary promotion
// step by step, rollback of a failing or worse challenger, and a rollout resumed by a restarted server.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { train } from '../ml/index.js';
import { blobs } from '../ml/test-support/synthetic.js';
import { ModelRegistry } from '../registry/model-registry.js';
import { FEATURE_NAMES_TAG } from '../serving/endpoint-model-repository.js';
import { DeploymentService } from '../serving/traffic/deployment-service.js';
import { shadowDeployment } from '../serving/traffic/live-rollout.js';
import type { DeploymentRecord } from '../store/deployments.js';
import { type Context, openContext } from './context.js';
import { startServe } from './serve.js';
import { startCli, stopProcess } from './test-support/run-cli.js';

const CENTERS = [
  [0, 0],
  [4, 4],
  [0, 4],
];

async function eventuallyAsync(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition did not come true within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const eventually = (condition: () => boolean) => eventuallyAsync(async () => condition());

interface Answer {
  status: number;
  version: string | undefined;
  label: string | undefined;
  error: string | undefined;
}

describe('osprey serve --endpoint: live rollouts', () => {
  let home: string;
  let ctx: Context;
  let deployments: DeploymentService;
  const open = () => openContext({ ...process.env, OSPREY_HOME: home, OSPREY_DB: undefined });
  // Versions of `blobs`: 1 champion, 2 a close challenger (other sample), 3 a model taking 3 features (every request
  // fails on it), 4 a model trained on shuffled labels (answers, but disagrees).
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'osprey-endpoints-'));
    ctx = await open();
    const registry = new ModelRegistry(ctx.store.registry);
    deployments = new DeploymentService(ctx.store, registry);
    await registry.createModel('blobs', '', []);
    const shuffled = blobs(4, 150, CENTERS);
    const models = [
      blobs(1, 150, CENTERS),
      blobs(2, 150, CENTERS),
      blobs(3, 150, [
        [0, 0, 0],
        [4, 4, 4],
        [0, 4, 0],
      ]),
      { ...shuffled, labels: shuffled.labels.map((_, i) => shuffled.labels[(i * 7919) % shuffled.labels.length]!) },
    ];
    for (const [i, data] of models.entries()) {
      const onnx = train(data, { algorithm: 'logistic-regression' }).toOnnx();
      await ctx.artifacts.put(`models/blobs/v${i + 1}/model.onnx`, Readable.from([Buffer.from(onnx)]));
      await registry.createVersion({
        name: 'blobs',
        source: `mlflow-artifacts:/models/blobs/v${i + 1}`,
        runId: '',
        runLink: '',
        description: '',
        tags: [{ key: FEATURE_NAMES_TAG, value: JSON.stringify(data.featureNames) }],
        userId: null,
      });
    }
  });
  // Version 5: bytes that are no ONNX model at all.
  before(async () => {
    await ctx.artifacts.put('models/blobs/v5/model.onnx', Readable.from([Buffer.from('not a model')]));
    await new ModelRegistry(ctx.store.registry).createVersion({
      name: 'blobs',
      source: 'mlflow-artifacts:/models/blobs/v5',
      runId: '',
      runLink: '',
      description: '',
      tags: [],
      userId: null,
    });
  });
  after(async () => {
    await ctx.close();
    await rm(home, { recursive: true, force: true });
  });

  const serve = (endpoint: string) =>
    startServe(
      {
        host: '127.0.0.1',
        port: '0',
        grpcPort: '0',
        grpc: false,
        pollInterval: '50',
        endpoint: [endpoint],
        rolloutInterval: '30',
      },
      { openContext: open },
    );

  /** Sends requests (4 at a time, ids `<prefix><n>`) until `done` says so or `max` were sent. */
  async function drive(
    url: string,
    endpoint: string,
    done: () => Promise<boolean>,
    options: { max?: number; prefix?: string; checkEvery?: number } = {},
  ): Promise<Answer[]> {
    const answers: Answer[] = [];
    const points = blobs(99, 100, CENTERS).features as number[][];
    let sent = 0;
    let finished = false;
    const client = async () => {
      while (!finished && sent < (options.max ?? 3000)) {
        const n = sent++;
        const response = await fetch(`${url}/v2/models/${endpoint}/infer`, {
          method: 'POST',
          body: JSON.stringify({
            id: `${options.prefix ?? 'r'}${n}`,
            inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 2], data: points[n % points.length] }],
          }),
        });
        const body = (await response.json()) as {
          model_version?: string;
          outputs?: { name: string; data: unknown[] }[];
          error?: string;
        };
        answers.push({
          status: response.status,
          version: body.model_version,
          label: body.outputs?.find((o) => o.name === 'label')?.data[0] as string | undefined,
          error: body.error,
        });
        if (n % (options.checkEvery ?? 10) === 0 && (await done())) finished = true;
      }
    };
    await Promise.all(Array.from({ length: 4 }, client));
    return answers;
  }

  const record = async (endpoint: string): Promise<DeploymentRecord> => (await ctx.store.deployments.get(endpoint))!;
  const stable = (endpoint: string) => async () => (await record(endpoint)).phase === 'stable';
  const decisions = async (endpoint: string) =>
    (await ctx.store.deployments.decisions((await record(endpoint)).id)).map((d) => d.decision);

  it('shadow: callers get only the champion; a failing challenger is rolled back on its errors', async () => {
    await deployments.deploy('shadow-fail', 'blobs/1');
    await deployments.deploy('shadow-fail', 'blobs/3', { strategy: 'shadow', analysis: { minRequests: 30 } });
    const running = await serve('shadow-fail');
    try {
      const answers = await drive(running.server.httpUrl, 'shadow-fail', stable('shadow-fail'));
      assert.ok(answers.length >= 30, `${answers.length} requests`);
      assert.deepEqual(
        answers.filter((a) => a.status !== 200 || a.version !== '1'),
        [],
        'every caller got a champion answer',
      );
      const d = await record('shadow-fail');
      assert.equal(d.championVersion, '1');
      assert.equal(d.challengerVersion, null);
      const all = await ctx.store.deployments.decisions(d.id);
      const rollback = all.at(-1)!;
      assert.equal(rollback.decision, 'rollback');
      const evidence = rollback.evidence as { challenger: { errors: number; requests: number } };
      assert.ok(evidence.challenger.errors >= 30 && evidence.challenger.errors === evidence.challenger.requests);
    } finally {
      await running.close();
    }
  });

  it('shadow: both answers are compared side by side; a challenger that disagrees is rolled back', async () => {
    await deployments.deploy('shadow-worse', 'blobs/1');
    await deployments.deploy('shadow-worse', 'blobs/4', { strategy: 'shadow', analysis: { minRequests: 40 } });
    const running = await serve('shadow-worse');
    try {
      const answers = await drive(running.server.httpUrl, 'shadow-worse', stable('shadow-worse'));
      assert.deepEqual(new Set(answers.map((a) => `${a.status} ${a.version}`)), new Set(['200 1']));
      const d = await record('shadow-worse');
      const last = (await ctx.store.deployments.decisions(d.id)).at(-1)!;
      assert.equal(last.decision, 'rollback');
      const shadow = (last.evidence as { shadow: { pairs: number; agreement: number; meanAbsScoreDiff: number } })
        .shadow;
      assert.ok(shadow.pairs >= 40, `${shadow.pairs} pairs`);
      assert.ok(shadow.agreement < 0.8, `agreement ${shadow.agreement}`);
      assert.ok(shadow.meanAbsScoreDiff > 0);
      const check = (last.evidence.analysis as { checks: { check: string; passed: boolean | null }[] }).checks.find(
        (c) => c.check === 'agreement with champion',
      );
      assert.equal(check?.passed, false);
      // The challenger's answers are in the prediction log apart from what callers received.
      await running.server.predictionLogger?.flush();
      const mirrored = await ctx.store.predictions.window(shadowDeployment('shadow-worse'));
      assert.ok(mirrored.length >= 40);
      assert.ok(mirrored.every((p) => p.modelVersion === '4'));
      const served = await ctx.store.predictions.window('shadow-worse');
      assert.ok(served.every((p) => p.modelVersion === '1'));
      assert.deepEqual(Object.keys(served[0]!.features).sort(), ['x0', 'x1']);
    } finally {
      await running.close();
    }
  });

  it('canary: a good challenger goes through each step and is promoted; the alias moves', async () => {
    await deployments.deploy('canary-good', 'blobs/1');
    await deployments.deploy('canary-good', 'blobs/2', {
      strategy: 'canary',
      steps: [25, 100],
      analysis: { minRequests: 20, maxLatencyRatio: 1000 },
    });
    const running = await serve('canary-good');
    try {
      const answers = await drive(running.server.httpUrl, 'canary-good', stable('canary-good'));
      assert.deepEqual(
        answers.filter((a) => a.status !== 200),
        [],
      );
      assert.deepEqual(new Set(answers.map((a) => a.version)), new Set(['1', '2']));
      const d = await record('canary-good');
      assert.equal(d.championVersion, '2');
      assert.deepEqual(await decisions('canary-good'), ['deploy', 'start_canary', 'continue', 'promote']);
      const registry = new ModelRegistry(ctx.store.registry);
      assert.equal((await registry.getVersionByAlias('blobs', 'champion')).version, 2);
      // After promotion the server serves the new champion alone.
      const deadline = Date.now() + 10_000;
      while (running.server.service.manager.versionsOf('canary-good').length > 1 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(
        running.server.service.manager.versionsOf('canary-good').map((v) => v.version),
        ['2'],
      );
    } finally {
      await running.close();
    }
  });

  it('canary: a challenger that fails is rolled back, and its callers are answered by the champion', async () => {
    await deployments.deploy('canary-fail', 'blobs/2');
    await deployments.deploy('canary-fail', 'blobs/3', {
      strategy: 'canary',
      steps: [50, 100],
      analysis: { minRequests: 10 },
    });
    const running = await serve('canary-fail');
    try {
      const answers = await drive(running.server.httpUrl, 'canary-fail', stable('canary-fail'));
      assert.deepEqual(
        answers.filter((a) => a.status !== 200 || a.version !== '2'),
        [],
      );
      const d = await record('canary-fail');
      assert.equal(d.championVersion, '2');
      assert.deepEqual(await decisions('canary-fail'), ['deploy', 'start_canary', 'rollback']);
    } finally {
      await running.close();
    }
  });

  it('a challenger that cannot be loaded is rolled back, naming why; the champion never stops answering', async () => {
    await deployments.deploy('unloadable', 'blobs/1');
    const running = await serve('unloadable');
    try {
      await deployments.deploy('unloadable', 'blobs/5', { strategy: 'canary', analysis: { minRequests: 10 } });
      const answers = await drive(running.server.httpUrl, 'unloadable', stable('unloadable'), { checkEvery: 1 });
      assert.deepEqual(new Set(answers.map((a) => `${a.status} ${a.version}`)), new Set(['200 1']));
      const d = await record('unloadable');
      const last = (await ctx.store.deployments.decisions(d.id)).at(-1)!;
      assert.equal(last.decision, 'rollback');
      assert.match(String(last.evidence.reason), /challenger version 5 could not be loaded/);
      assert.deepEqual(
        running.server.service.manager.versionsOf('unloadable').map((v) => v.version),
        ['1'],
      );
    } finally {
      await running.close();
    }
    // Tried again while no server runs: the next server starts all the same, and rolls it back at once.
    await deployments.deploy('unloadable', 'blobs/5', { strategy: 'canary', analysis: { minRequests: 10 } });
    const restarted = await serve('unloadable');
    try {
      await eventuallyAsync(async () => (await record('unloadable')).phase === 'stable');
      assert.deepEqual(await decisions('unloadable'), [
        'deploy',
        'start_canary',
        'rollback',
        'start_canary',
        'rollback',
      ]);
      const answers = await drive(restarted.server.httpUrl, 'unloadable', async () => true);
      assert.deepEqual(new Set(answers.map((a) => `${a.status} ${a.version}`)), new Set(['200 1']));
    } finally {
      await restarted.close();
    }
  });

  it('a rollout whose policy asks for approval waits on the champion until a person approves', async () => {
    await deployments.deploy('approved', 'blobs/1');
    await deployments.deploy('approved', 'blobs/2', {
      strategy: 'canary',
      steps: [100],
      approval: true,
      analysis: { minRequests: 10 },
    });
    const running = await serve('approved');
    try {
      const waiting = async () => (await record('approved')).phase === 'awaiting_approval';
      await drive(running.server.httpUrl, 'approved', waiting, { checkEvery: 1 });
      assert.ok(await waiting());
      const answers = await drive(running.server.httpUrl, 'approved', async () => true, { prefix: 'w' });
      assert.deepEqual(new Set(answers.map((a) => `${a.status} ${a.version}`)), new Set(['200 1']));
      // The repository API may not move an endpoint's versions: its deployment does.
      const load = await fetch(`${running.server.httpUrl}/v2/repository/models/approved/load`, { method: 'POST' });
      assert.equal(load.status, 400);
      assert.match(((await load.json()) as { error: string }).error, /is an endpoint/);
      await deployments.approve('approved', 'a person');
      const deadline = Date.now() + 10_000;
      while (running.server.service.manager.versionsOf('approved').length !== 1 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const after = await drive(running.server.httpUrl, 'approved', async () => true, { prefix: 'p' });
      assert.deepEqual(new Set(after.map((a) => `${a.status} ${a.version}`)), new Set(['200 2']));
      assert.deepEqual(await decisions('approved'), ['deploy', 'start_canary', 'await_approval', 'promote']);
    } finally {
      await running.close();
    }
  });

  it('a server killed mid-rollout (SIGKILL) resumes at the recorded step when it starts again', async () => {
    await deployments.deploy('resumed', 'blobs/1');
    await deployments.deploy('resumed', 'blobs/2', {
      strategy: 'canary',
      steps: [10, 50, 100],
      analysis: { minRequests: 15, maxLatencyRatio: 1000 },
    });
    // The first server is `osprey serve` in its own process, killed without warning once the canary is at 50 %.
    // Its log is structured (--log-format json): the address comes from the `serving` event.
    const child = startCli(
      [
        'serve',
        '--endpoint',
        'resumed',
        '--port',
        '0',
        '--no-grpc',
        '--rollout-interval',
        '30',
        '--log-format',
        'json',
      ],
      { OSPREY_HOME: home, OSPREY_DB: '' },
    );
    const events: Record<string, unknown>[] = [];
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          const lines = out.split('\n');
          out = lines.pop()!;
          for (const line of lines) {
            const event = JSON.parse(line) as Record<string, unknown>;
            events.push(event);
            if (event.event === 'serving') resolve(String(event.rest));
          }
        });
        child.on('close', () => reject(new Error(`osprey serve exited before listening: ${out}`)));
      });
      await drive(url, 'resumed', async () => Number((await record('resumed')).state.step ?? 0) >= 1, {
        prefix: 'a',
        checkEvery: 1,
      });
      const deadline = Date.now() + 10_000;
      while (!events.some((e) => e.event === 'rollout_moved') && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      await stopProcess(child, 'SIGKILL');
    }
    const moved = events.find((e) => e.event === 'rollout_moved')!;
    assert.deepEqual([moved.level, moved.endpoint, moved.phase, moved.challenger], ['info', 'resumed', 'canary', '2']);
    assert.match(String(moved.msg), /canary: version 2 now gets 50 % of requests/);
    const interrupted = await record('resumed');
    assert.equal(interrupted.phase, 'canary');
    assert.equal(interrupted.state.percent, 50);

    const second = await serve('resumed');
    try {
      // The first round (not awaited by start-up) brings the challenger back in at the recorded share.
      await eventually(() => second.server.service.rollouts.get('resumed')?.snapshot.percent === 50);
      await drive(second.server.httpUrl, 'resumed', stable('resumed'), { prefix: 'b' });
      assert.equal((await record('resumed')).championVersion, '2');
      assert.deepEqual(await decisions('resumed'), ['deploy', 'start_canary', 'continue', 'continue', 'promote']);
    } finally {
      await second.close();
    }
  });
});
