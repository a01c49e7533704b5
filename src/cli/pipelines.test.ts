import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledDataset, SEATTLE_WEATHER } from '../data/bundled.js';
import { runCli } from './test-support/run-cli.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
let dir: string;
let env: Record<string, string>;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-cli-pipelines-'));
  env = { OSPREY_HOME: join(dir, 'home'), OSPREY_DB: '' };
});
after(() => rm(dir, { recursive: true, force: true }));

interface RunJson {
  run_id: string;
  status: string;
  params: { data: { $artifact: { digest: string } } };
  tasks: {
    name: string;
    status: string;
    attempts: number;
    cached: boolean;
    outputs: unknown;
    tracking_run_id: string | null;
  }[];
}

describe('osprey run and osprey runs', () => {
  it('runs the example training pipeline on the bundled data, then serves the second run from the cache', async () => {
    const args = [
      'run',
      join(examples, 'train-pipeline.ts'),
      '--param',
      `data=${bundledDataset(SEATTLE_WEATHER)}`,
      '--json',
    ];
    const first = await runCli(args, env);
    assert.equal(first.code, 0, first.stderr);
    const run = JSON.parse(first.stdout) as RunJson;
    assert.equal(run.status, 'succeeded');
    const byName = new Map(run.tasks.map((t) => [t.name, t]));
    assert.equal(byName.get('prepare')?.attempts, 1);
    assert.ok(byName.get('train')?.outputs, 'train recorded its outputs');
    assert.equal(byName.get('notify')?.status, 'succeeded', 'the exit handler ran');

    const second = JSON.parse((await runCli(args, env)).stdout) as RunJson;
    assert.equal(second.status, 'succeeded');
    assert.equal(second.tasks.find((t) => t.name === 'prepare')?.cached, true);
    assert.equal(second.tasks.find((t) => t.name === 'prepare')?.attempts, 0);

    const ls = JSON.parse((await runCli(['runs', 'ls', '--json'], env)).stdout) as { run_id: string }[];
    assert.deepEqual(
      ls.map((r) => r.run_id),
      [second.run_id, run.run_id],
      'newest first',
    );
    const show = JSON.parse((await runCli(['runs', 'show', run.run_id, '--json'], env)).stdout) as RunJson;
    assert.deepEqual(
      show.tasks.map((t) => t.name),
      run.tasks.map((t) => t.name),
    );
    const logs = await runCli(['runs', 'logs', run.run_id, 'prepare'], env);
    assert.match(logs.stdout, /== prepare \(attempt 1, succeeded\) ==/);

    // Each run's promote step registered a version and moved @candidate to it; lineage walks from the version to
    // the run (here the second, served mostly from the cache), its steps and data.
    const lineage = JSON.parse((await runCli(['models', 'lineage', 'seattle-rain@candidate', '--json'], env)).stdout);
    assert.equal(lineage.modelVersion.version, '2');
    assert.equal(lineage.run.info.run_id, second.tasks.find((t) => t.name === 'promote')?.tracking_run_id);
    assert.equal(lineage.pipeline.runId, second.run_id);
    assert.equal(lineage.pipeline.registeredBy, 'promote');
    assert.match(lineage.pipeline.specDigest, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      lineage.pipeline.steps.map((s: { task: string }) => s.task),
      ['profile', 'prepare', 'train', 'promote', 'notify'],
    );
    const train = lineage.pipeline.steps.find((s: { task: string }) => s.task === 'train');
    assert.match(train.outputs.model, /^sha256:[0-9a-f]{64}$/);
    assert.equal(train.cachedFrom, byName.get('train')?.tracking_run_id, 'a cache hit points at the producing step');
    assert.equal(lineage.pipeline.datasets[0].digest, run.params.data.$artifact.digest);
    const text = await runCli(['models', 'lineage', 'seattle-rain@candidate'], env);
    assert.match(text.stdout, /pipeline run\s+\S+ \(train-weather\), FINISHED; registered by step promote/);
    const all = JSON.parse((await runCli(['runs', 'ls', '--steps', '--json'], env)).stdout) as { kind: string }[];
    assert.equal(all.filter((r) => r.kind === 'pipeline').length, 2);
    assert.equal(all.filter((r) => r.kind === 'step').length, 10);
  });

  it("runs a pipeline file from anywhere that imports from 'osprey', steps included", async () => {
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere, { recursive: true });
    const source = [
      "import { component, pipeline } from 'osprey';",
      "export const double = component({ name: 'double', inputs: { n: 'number' }, outputs: { n: 'number' } },",
      '  async ({ n }) => ({ n: n * 2 }));',
      "export default pipeline({ name: 'elsewhere', params: { n: 'number' } }, ({ n }) => ({",
      '  n: double({ n }).outputs.n,',
      '}));',
    ].join('\n');
    await writeFile(join(elsewhere, 'flow.mts'), source);
    const ran = await runCli(
      ['run', join(elsewhere, 'flow.mts'), '--param', 'n=21', '--reuse-processes', '--json'],
      env,
    );
    assert.equal(ran.code, 0, ran.stderr);
    const run = JSON.parse(ran.stdout) as RunJson;
    assert.deepEqual(run.tasks.find((t) => t.name === 'double')?.outputs, { n: 42 });
    const plain = await runCli(['run', join(elsewhere, 'flow.mts'), '--param', 'n=1'], env);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stderr, /^✓ double succeeded$/m, 'a line per finished step when not on a terminal');
    await writeFile(join(elsewhere, 'flow.ts'), source);
    const commonjs = await runCli(['run', join(elsewhere, 'flow.ts')], env);
    assert.equal(commonjs.code, 2, commonjs.stderr);
    assert.match(commonjs.stderr, /loaded as CommonJS; name it \.mts/);
  });

  it('reproduce re-runs a run without the cache and names the first step that diverged', async () => {
    const file = join(examples, 'executor', 'pipelines.ts');
    const first = await runCli(['run', file, '--export', 'randomness', '--json'], env);
    assert.equal(first.code, 0, first.stderr);
    const run = JSON.parse(first.stdout) as RunJson;
    const reproduced = await runCli(['reproduce', run.run_id, '--json'], env);
    assert.equal(reproduced.code, 1, reproduced.stderr);
    const report = JSON.parse(reproduced.stdout) as { reproducible: boolean; firstDivergence: string };
    assert.deepEqual([report.reproducible, report.firstDivergence], [false, 'noisy']);
    const text = await runCli(['reproduce', run.run_id], env);
    assert.match(text.stdout, /NOT reproducible, first divergence at noisy/);
    assert.match(text.stdout, /seeded\s+identical/);
  });

  it('compiles to the pinned spec and to an Argo Workflow', async () => {
    const file = join(examples, 'train-pipeline.ts');
    const spec = await runCli(['compile', file], env);
    assert.equal(spec.code, 0, spec.stderr);
    const golden = fileURLToPath(new URL('../pipelines/compiler/fixtures/train-pipeline.spec.json', import.meta.url));
    assert.equal(spec.stdout, await readFile(golden, 'utf8'));
    const argo = await runCli(['compile', file, '--target', 'argo', '--image', 'registry.local/steps:1'], env);
    assert.equal(argo.code, 0, argo.stderr);
    assert.match(argo.stdout, /^apiVersion: argoproj\.io\/v1alpha1\nkind: Workflow\n/);
    const noImage = await runCli(['compile', file, '--target', 'argo'], env);
    assert.equal(noImage.code, 2);
    assert.match(noImage.stderr, /declares no image/);
  });

  it('exits 1 and names the failed step when a step keeps failing; refuses bad parameters before running', async () => {
    const markers = join(dir, 'markers');
    await mkdir(markers, { recursive: true });
    const failing = await runCli(
      [
        'run',
        join(examples, 'executor', 'pipelines.ts'),
        '--export',
        'retried',
        '--param',
        `markers=${markers}`,
        '--param',
        'failures=99',
        '--json',
      ],
      env,
    );
    assert.equal(failing.code, 1);
    const run = JSON.parse(failing.stdout) as RunJson & { error: string };
    assert.equal(run.status, 'failed');
    assert.match(run.error, /flaky/);
    const retried = await runCli(['runs', 'retry', run.run_id, '--json'], env);
    assert.equal(retried.code, 1);
    const again = JSON.parse(retried.stdout) as RunJson;
    assert.equal(again.tasks.find((t) => t.name === 'flaky')?.attempts, 8, 'retry ran the failed step again');
    const cancel = await runCli(['runs', 'cancel', run.run_id], env);
    assert.equal(cancel.code, 2);
    assert.match(cancel.stderr, /is failed: nothing to cancel/);
    const bad = await runCli(['run', join(examples, 'train-pipeline.ts'), '--param', 'nonsense'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /name=value/);
  });
});
