import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ModelRegistry } from '../registry/model-registry.js';
import { fixtureModelPath } from '../serving/test-support/fixtures.js';
import { openContext } from './context.js';
import { runCli } from './test-support/run-cli.js';

let dir: string;
let env: Record<string, string>;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-cli-deployments-'));
  env = { OSPREY_HOME: join(dir, 'home'), OSPREY_DB: '' };
  // Two versions of a registered model (an ONNX file in the artifact store), made in-process on the same home.
  const ctx = await openContext(env);
  try {
    const registry = new ModelRegistry(ctx.store.registry);
    await registry.createModel('seattle-rain', '', []);
    await ctx.artifacts.put(
      'models/seattle-rain/model.onnx',
      Readable.from([await readFile(fixtureModelPath('tabular_classifier'))]),
    );
    for (let i = 0; i < 2; i++)
      await registry.createVersion({
        name: 'seattle-rain',
        source: 'mlflow-artifacts:/models/seattle-rain',
        runId: '',
        runLink: '',
        description: '',
        tags: [],
        userId: null,
      });
  } finally {
    await ctx.close();
  }
});
after(() => rm(dir, { recursive: true, force: true }));

describe('osprey deploy and osprey deployments', () => {
  it('deploys a champion, refuses what cannot be, and shows every decision', async () => {
    const first = await runCli(['deploy', 'rain', '--model', 'seattle-rain/1'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /rain: seattle-rain version 1 is the champion \(@champion\)/);
    const again = await runCli(['deploy', 'rain', '--model', 'seattle-rain/1', '--strategy', 'canary'], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already the champion/);
    const bad = await runCli(['deploy', 'rain', '--model', 'seattle-rain/1', '--steps', '50,20,100'], env);
    assert.equal(bad.code, 2);
    const ls = JSON.parse((await runCli(['deployments', 'ls', '--json'], env)).stdout) as { endpoint: string }[];
    assert.deepEqual(
      ls.map((d) => d.endpoint),
      ['rain'],
    );
    const rollback = await runCli(['deployments', 'rollback', 'rain'], env);
    assert.equal(rollback.code, 2);
    assert.match(rollback.stderr, /has no challenger to roll back/);
    const show = JSON.parse((await runCli(['deployments', 'show', 'rain', '--json'], env)).stdout) as {
      decisions: { decision: string }[];
    };
    assert.deepEqual(
      show.decisions.map((d) => d.decision),
      ['deploy'],
    );
    const missing = await runCli(['deployments', 'show', 'nope'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no deployment named "nope"/);
  });

  it('tries a challenger by shadow then canary with --min-requests; deploying it again changes nothing', async () => {
    const deploy = ['deploy', 'rain', '--model', 'seattle-rain/2', '--strategy', 'shadow-then-canary'];
    const badCount = await runCli([...deploy, '--min-requests', '2.5'], env);
    assert.equal(badCount.code, 2);
    assert.match(badCount.stderr, /--min-requests 2\.5: give a whole number ≥ 0/);
    const started = await runCli([...deploy, '--min-requests', '20'], env);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /rain: trying version 2 against champion 1 \(shadow, then canary\)/);
    const again = await runCli([...deploy, '--min-requests', '20', '--json'], env);
    assert.equal(again.code, 0, again.stderr);
    const shown = JSON.parse((await runCli(['deployments', 'show', 'rain', '--json'], env)).stdout) as {
      phase: string;
      strategy: string;
      revision: number;
      config: { analysis?: { minRequests?: number } };
      decisions: { decision: string }[];
    };
    assert.deepEqual([shown.phase, shown.strategy], ['shadow', 'shadow-then-canary']);
    assert.equal(shown.config.analysis?.minRequests, 20);
    assert.equal((JSON.parse(again.stdout) as { revision: number }).revision, shown.revision);
    assert.deepEqual(
      shown.decisions.map((d) => d.decision),
      ['deploy', 'start_shadow'],
    );
    const help = await runCli(['deploy', '--help'], env);
    assert.match(help.stdout, /shadow-then-canary/);
    assert.match(help.stdout, /--min-requests <n>/);
  });
});
