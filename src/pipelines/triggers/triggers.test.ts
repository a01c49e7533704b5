import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isOspreyError } from '../../core/errors.js';
import { bundledDataset, SEATTLE_WEATHER } from '../../data/bundled.js';
import { DatasetService } from '../../data/datasets.js';
import { type DataFixture, openDataFixture } from '../../data/test-support/fixture.js';
import { pipelineCodeDigest } from './code-digest.js';
import { type RunRequest, TriggerService } from './trigger-service.js';

const DSL = fileURLToPath(new URL('../dsl/index.ts', import.meta.url));
let fx: DataFixture;
let lines: string[];

before(async () => {
  fx = await openDataFixture();
  lines = (await readFile(bundledDataset(SEATTLE_WEATHER), 'utf8')).trimEnd().split('\n');
});
after(() => fx.cleanup());

/** A real pipeline file: one exported component whose body says `message`. */
async function writePipeline(path: string, message: string): Promise<void> {
  await writeFile(
    path,
    `import { component, pipeline } from ${JSON.stringify(DSL)};
export const hello = component({ name: 'hello', inputs: {}, outputs: { said: 'string' } }, async () => ({ said: ${JSON.stringify(message)} }));
export default pipeline({ name: 'hello-pipeline', params: {} }, () => { hello({}); });
`,
  );
}

/** Adds the first `days` real rows of the bundled data as a new version of `name`. */
async function addVersion(name: string, days: number) {
  const path = join(fx.dir, `${name}-${days}.csv`);
  await writeFile(path, lines.slice(0, days + 1).join('\n'));
  return (await new DatasetService(fx.store, fx.artifacts).add({ name, path })).version;
}

/** The events of one trigger among those a tick recorded (every test's triggers share one store). */
const of = (trigger: { id: string }) => (events: { triggerId: string; dedupeKey: string }[]) =>
  events.filter((e) => e.triggerId === trigger.id);

function service(started: RunRequest[], now: () => number = Date.now) {
  return new TriggerService(fx.store, {
    codeDigest: pipelineCodeDigest,
    startRun: async (request) => {
      started.push(request);
    },
    now,
  });
}

describe('continuous-training triggers', () => {
  it('a dataset trigger starts exactly one run per new version, passing it as a parameter', async () => {
    const pipeline = join(fx.dir, 'train.ts');
    await writePipeline(pipeline, 'v1');
    await addVersion('weather', 100);
    const started: RunRequest[] = [];
    const triggers = service(started);
    const mine = of(
      await triggers.add({
        name: 'on-weather',
        kind: 'dataset',
        pipeline,
        dataset: 'weather',
        params: { threshold: 0.85 },
      }),
    );
    assert.deepEqual(mine(await triggers.tick()), [], 'versions that existed before the trigger do not fire');
    await addVersion('weather', 200);
    await addVersion('weather', 300);
    const fired = await triggers.tick();
    assert.deepEqual(
      fired.map((e) => e.dedupeKey),
      ['dataset:weather@2', 'dataset:weather@3'],
    );
    assert.deepEqual(
      started.map((r) => r.params),
      [
        { threshold: 0.85, data: 'weather@2' },
        { threshold: 0.85, data: 'weather@3' },
      ],
    );
    assert.deepEqual(mine(await triggers.tick()), []);
    assert.equal(started.length, 2);
    const history = await triggers.history('on-weather');
    assert.ok(history.every((e) => e.runId === e.id && e.error === null));
  });

  it('evaluators racing on one database record each new version once', async () => {
    const pipeline = join(fx.dir, 'race.ts');
    await writePipeline(pipeline, 'race');
    const started: RunRequest[] = [];
    const a = service(started);
    const b = service(started);
    const mine = of(await a.add({ name: 'race', kind: 'dataset', pipeline, dataset: 'race-data' }));
    await addVersion('race-data', 50);
    const fired = mine((await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()])).flat());
    assert.deepEqual(
      fired.map((e) => e.dedupeKey),
      ['dataset:race-data@1'],
    );
    assert.equal(new Set(started.filter((r) => r.trigger === 'race').map((r) => r.runId)).size, 1);
  });

  it('a schedule trigger fires once for the latest due tick', async () => {
    const pipeline = join(fx.dir, 'nightly.ts');
    await writePipeline(pipeline, 'nightly');
    let now = Date.parse('2026-11-25T10:01:00Z');
    const started: RunRequest[] = [];
    const triggers = service(started, () => now);
    await triggers.add({ name: 'every-5-min', kind: 'schedule', pipeline, cron: '*/5 * * * *' });
    assert.deepEqual(await triggers.tick(), []);
    now = Date.parse('2026-11-25T10:17:30Z');
    const fired = await triggers.tick();
    assert.deepEqual(
      fired.map((e) => e.dedupeKey),
      ['cron:2026-11-25T10:15:00.000Z'],
    );
    assert.deepEqual(await triggers.tick(), []);
    await assert.rejects(
      triggers.add({ name: 'bad', kind: 'schedule', pipeline, cron: '61 * * * *' }),
      (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && e.message.includes('61 * * * *'),
    );
  });

  it("a code trigger fires when the pipeline's code digest changes, once per digest", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'osprey-code-trigger-'));
    try {
      const pipeline = join(dir, 'pipeline.mts'); // ESM wherever it lives (a .ts outside an ESM package is CommonJS)
      await writePipeline(pipeline, 'hello');
      const started: RunRequest[] = [];
      const triggers = service(started);
      const mine = of(await triggers.add({ name: 'on-code', kind: 'code', pipeline }));
      assert.deepEqual(mine(await triggers.tick()), []);
      await writePipeline(pipeline, 'hello, changed');
      const fired = mine(await triggers.tick());
      assert.equal(fired.length, 1);
      assert.match(fired[0]!.dedupeKey, /^code:[0-9a-f]{64}$/);
      assert.deepEqual(mine(await triggers.tick()), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an API trigger fires once per dedupe key (what drift alerts call)', async () => {
    const pipeline = join(fx.dir, 'retrain.ts');
    await writePipeline(pipeline, 'retrain');
    const started: RunRequest[] = [];
    const triggers = service(started);
    await triggers.add({ name: 'on-drift', kind: 'api', pipeline });
    const first = await triggers.fire('on-drift', {
      dedupeKey: 'alert-17',
      reason: 'drift on temp_max',
      params: { data: 'weather@3' },
    });
    const again = await triggers.fire('on-drift', { dedupeKey: 'alert-17', reason: 'drift on temp_max' });
    assert.equal(first.id, again.id);
    assert.equal(started.length, 1);
    assert.deepEqual(started[0]?.params, { data: 'weather@3' });
  });

  it('starts an event whose start was interrupted, once it is a minute old, under the same run id', async () => {
    const pipeline = join(fx.dir, 'recover.ts');
    await writePipeline(pipeline, 'recover');
    let now = Date.parse('2026-11-25T12:00:00Z');
    const started: RunRequest[] = [];
    const triggers = service(started, () => now);
    const t = await triggers.add({ name: 'recover', kind: 'api', pipeline });
    // What an evaluator that died right after recording leaves behind: an event with neither run nor error.
    const { event } = await fx.store.triggers.recordEvent({
      id: 'e'.repeat(32),
      triggerId: t.id,
      dedupeKey: 'k',
      reason: 'interrupted',
      params: {},
      firedAt: now,
    });
    await triggers.tick();
    assert.equal(started.length, 0, 'too recent: its evaluator may still be starting it');
    now += 61_000;
    await triggers.tick();
    assert.deepEqual(
      started.map((r) => r.runId),
      [event.id],
    );
    assert.equal((await triggers.history('recover'))[0]?.runId, event.id);
  });

  it('records a failed start on the event, and a broken trigger does not stop the others', async () => {
    const pipeline = join(fx.dir, 'broken.ts');
    await writePipeline(pipeline, 'x');
    const triggers = new TriggerService(fx.store, {
      codeDigest: pipelineCodeDigest,
      startRun: async () => {
        throw new Error('no runner available');
      },
    });
    await triggers.add({ name: 'fails', kind: 'api', pipeline });
    const event = await triggers.fire('fails', { dedupeKey: 'k', reason: 'test' });
    assert.equal(event.error, 'no runner available');
    await assert.rejects(
      triggers.add({ name: 'missing', kind: 'api', pipeline: join(fx.dir, 'nope.ts') }),
      (e: unknown) => isOspreyError(e, 'NOT_FOUND'),
    );
  });
});
