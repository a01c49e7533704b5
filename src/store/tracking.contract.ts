import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { OpenedStore } from './metadata-store.contract.js';
import type { MetadataStore } from './metadata-store.js';
import { newDatasetVersion } from './test-support/dataset-fixtures.js';
import type { Metric, RunFilterClause, RunOrderClause, RunRecord, RunSearch, TrackingRepository } from './tracking.js';

/** The behaviour every TrackingRepository must show; each implementation's test calls this once. */
export function trackingRepositoryContract(name: string, open: () => Promise<OpenedStore>): void {
  async function withStore(
    fn: (tracking: TrackingRepository, store: MetadataStore, opened: OpenedStore) => Promise<void>,
  ) {
    const opened = await open();
    try {
      await fn(opened.store.tracking, opened.store, opened);
    } finally {
      await opened.cleanup();
    }
  }
  const rejectsWith = (promise: Promise<unknown>, code: Parameters<typeof isOspreyError>[1], pattern: RegExp) =>
    assert.rejects(promise, (e) => isOspreyError(e, code) && pattern.test(e.message));

  const experiment = (t: TrackingRepository, expName: string, creationTime = 1000) =>
    t.createExperiment({ name: expName, tags: [], artifactLocation: (id) => `mlflow-artifacts:/${id}`, creationTime });
  const run = (t: TrackingRepository, experimentId: string, fields: { startTime?: number; runName?: string } = {}) => {
    const runId = newId();
    return t.createRun({
      runId,
      experimentId,
      runName: fields.runName ?? `run-${runId.slice(0, 6)}`,
      userId: 'ada',
      startTime: fields.startTime ?? 1000,
      artifactUri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
      tags: [],
    });
  };
  const metric = (key: string, value: number, step = 0, timestamp = 1): Metric => ({ key, value, step, timestamp });
  const ids = (runs: RunRecord[]) => runs.map((r) => r.info.runName);
  /** Tags from `key=value` strings. */
  const kv = (...pairs: string[]) => pairs.map((p) => ({ key: p.split('=')[0]!, value: p.split('=')[1] ?? '' }));
  const where = (kind: string, key: string, comparator: string, value: unknown) =>
    ({ kind, key, comparator, value }) as RunFilterClause;
  const runSearch = (t: TrackingRepository, over: Partial<RunSearch>) =>
    t.searchRuns({
      experimentIds: ['0'],
      viewType: 'ACTIVE_ONLY',
      filter: [],
      orderBy: [],
      offset: 0,
      limit: 100,
      ...over,
    });

  describe(`TrackingRepository contract: ${name}`, () => {
    it('starts with the Default experiment "0"', () =>
      withStore(async (t) => {
        const d = await t.getExperiment('0');
        assert.equal(d?.name, 'Default');
        assert.equal(d?.lifecycleStage, 'active');
        assert.equal(d?.artifactLocation, 'mlflow-artifacts:/0');
        assert.deepEqual(d?.tags, []);
      }));

    it('creates experiments with ids 1, 2… and refuses a taken name, active or deleted', () =>
      withStore(async (t) => {
        const a = await t.createExperiment({
          name: 'a',
          tags: kv('z=1', 'b=2'),
          artifactLocation: (id) => `mlflow-artifacts:/custom-${id}`,
          creationTime: 5,
        });
        assert.deepEqual(a, {
          experimentId: '1',
          name: 'a',
          artifactLocation: 'mlflow-artifacts:/custom-1',
          lifecycleStage: 'active',
          creationTime: 5,
          lastUpdateTime: 5,
          tags: kv('b=2', 'z=1'),
        });
        assert.equal((await experiment(t, 'b')).experimentId, '2');
        assert.deepEqual(await t.getExperimentByName('a'), a);
        assert.equal(await t.getExperiment('999'), undefined);
        assert.equal(await t.getExperiment('not-a-number'), undefined);
        await rejectsWith(experiment(t, 'a'), 'ALREADY_EXISTS', /Experiment\(name=a\) already exists/);
        await t.deleteExperiment('1', 10);
        await rejectsWith(experiment(t, 'a'), 'ALREADY_EXISTS', /deleted/);
      }));

    it('renames, deletes (with its runs) and restores experiments, and tags them', () =>
      withStore(async (t) => {
        const e = await experiment(t, 'e');
        const r = await run(t, e.experimentId);
        await t.renameExperiment(e.experimentId, 'renamed', 20);
        assert.equal((await t.getExperiment(e.experimentId))?.name, 'renamed');
        assert.equal((await t.getExperiment(e.experimentId))?.lastUpdateTime, 20);
        await experiment(t, 'other');
        await rejectsWith(t.renameExperiment(e.experimentId, 'other', 21), 'ALREADY_EXISTS', /other/);
        await t.setExperimentTag(e.experimentId, { key: 'k', value: 'v1' });
        await t.setExperimentTag(e.experimentId, { key: 'k', value: 'v2' });
        assert.deepEqual((await t.getExperiment(e.experimentId))?.tags, [{ key: 'k', value: 'v2' }]);

        await t.deleteExperiment(e.experimentId, 30);
        assert.equal((await t.getExperiment(e.experimentId))?.lifecycleStage, 'deleted');
        assert.equal((await t.getRun(r.info.runId))?.info.lifecycleStage, 'deleted');
        await rejectsWith(t.deleteExperiment(e.experimentId, 31), 'NOT_FOUND', /No Experiment with id=1 exists/);
        await rejectsWith(t.renameExperiment(e.experimentId, 'x', 32), 'CONFLICT', /non-active/);
        await rejectsWith(t.setExperimentTag(e.experimentId, { key: 'k', value: 'v' }), 'INVALID_ARGUMENT', /active/);
        await rejectsWith(run(t, e.experimentId), 'INVALID_ARGUMENT', /must be in the 'active' state/);

        await t.restoreExperiment(e.experimentId, 40);
        assert.equal((await t.getRun(r.info.runId))?.info.lifecycleStage, 'active');
        await rejectsWith(t.restoreExperiment(e.experimentId, 41), 'NOT_FOUND', /No Experiment/);
        await rejectsWith(t.deleteExperiment('77', 1), 'NOT_FOUND', /id=77/);
      }));

    it('searches experiments by view, name, tags and times, ordered and paged', () =>
      withStore(async (t) => {
        for (const [n, time] of [
          ['Alpha', 3],
          ['alpha-2', 2],
          ['beta', 1],
        ] as const)
          await experiment(t, n, time);
        await t.setExperimentTag('3', { key: 'team', value: 'Vision' });
        await t.deleteExperiment('2', 5);
        const search = async (over: Partial<Parameters<TrackingRepository['searchExperiments']>[0]>) =>
          (
            await t.searchExperiments({ viewType: 'ALL', filter: [], orderBy: [], offset: 0, limit: 100, ...over })
          ).items.map((e) => e.name);
        assert.deepEqual(await search({ orderBy: [{ key: 'name', ascending: true }] }), [
          'Alpha',
          'Default',
          'alpha-2',
          'beta',
        ]);
        assert.deepEqual(
          await search({ viewType: 'ACTIVE_ONLY', orderBy: [{ key: 'experiment_id', ascending: true }] }),
          ['Default', 'Alpha', 'beta'],
        );
        assert.deepEqual(await search({ viewType: 'DELETED_ONLY' }), ['alpha-2']);
        const like = (comparator: 'LIKE' | 'ILIKE', value: string) =>
          search({
            filter: [{ kind: 'attribute', key: 'name', comparator, value }],
            orderBy: [{ key: 'name', ascending: true }],
          });
        assert.deepEqual(await like('LIKE', 'alpha%'), ['alpha-2']);
        assert.deepEqual(await like('ILIKE', 'alpha%'), ['Alpha', 'alpha-2']);
        assert.deepEqual(await like('LIKE', '_lpha'), ['Alpha']);
        const team = { kind: 'tag', key: 'team', comparator: '=', value: 'Vision' } as const;
        assert.deepEqual(await search({ filter: [team] }), ['beta']);
        const created = (comparator: '>=' | '<', value: number) =>
          ({ kind: 'attribute', key: 'creation_time', comparator, value }) as const;
        assert.deepEqual(await search({ filter: [created('>=', 2), created('<', 100)] }), ['alpha-2', 'Alpha']);
        const first = await t.searchExperiments({ viewType: 'ALL', filter: [], orderBy: [], offset: 0, limit: 3 });
        assert.equal(first.nextOffset, 3);
        const last = await t.searchExperiments({ viewType: 'ALL', filter: [], orderBy: [], offset: 3, limit: 3 });
        assert.equal(last.items.length, 1);
        assert.equal(last.nextOffset, null);
      }));

    it('creates runs, refuses unknown experiments, and updates, deletes and restores them', () =>
      withStore(async (t) => {
        const e = await experiment(t, 'e');
        const r = await t.createRun({
          runId: 'a'.repeat(32),
          experimentId: e.experimentId,
          runName: 'first',
          userId: 'ada',
          startTime: 123,
          artifactUri: 'mlflow-artifacts:/1/aaa/artifacts',
          tags: [{ key: 'mlflow.runName', value: 'first' }],
        });
        assert.deepEqual(r.info, {
          runId: 'a'.repeat(32),
          experimentId: '1',
          runName: 'first',
          userId: 'ada',
          status: 'RUNNING',
          startTime: 123,
          endTime: null,
          artifactUri: 'mlflow-artifacts:/1/aaa/artifacts',
          lifecycleStage: 'active',
        });
        assert.deepEqual(await t.getRun(r.info.runId), r);
        assert.equal(await t.getRun('f'.repeat(32)), undefined);
        await rejectsWith(run(t, '42'), 'NOT_FOUND', /No Experiment with id=42 exists/);

        const info = await t.updateRun(r.info.runId, { status: 'FINISHED', endTime: 456, runName: 'second' });
        assert.deepEqual([info.status, info.endTime, info.runName], ['FINISHED', 456, 'second']);
        assert.deepEqual((await t.getRun(r.info.runId))?.tags, [{ key: 'mlflow.runName', value: 'second' }]);
        await rejectsWith(t.updateRun('nope', {}), 'NOT_FOUND', /Run with id=nope not found/);

        await t.deleteRun(r.info.runId, 9);
        assert.equal((await t.getRun(r.info.runId))?.info.lifecycleStage, 'deleted');
        await rejectsWith(t.updateRun(r.info.runId, { status: 'KILLED' }), 'INVALID_ARGUMENT', /'active' state/);
        await rejectsWith(
          t.logBatch(r.info.runId, { metrics: [], params: [], tags: [] }),
          'INVALID_ARGUMENT',
          /active/,
        );
        await t.restoreRun(r.info.runId);
        assert.equal((await t.getRun(r.info.runId))?.info.lifecycleStage, 'active');
        await rejectsWith(t.deleteRun('nope', 1), 'NOT_FOUND', /nope/);
      }));

    it('logs batches: latest metric by (step, timestamp, value), history without duplicates, params immutable', () =>
      withStore(async (t) => {
        const r = await run(t, '0');
        const id = r.info.runId;
        await t.logBatch(id, {
          metrics: [
            metric('loss', 5, 1, 10),
            metric('loss', 3, 2, 5),
            metric('loss', 3, 2, 5),
            metric('loss', 1, 1, 99),
          ],
          params: kv('lr=0.1'),
          tags: kv('t=a', 't=b'),
        });
        await t.logBatch(id, {
          metrics: [metric('loss', Number.NaN, 2, 5), metric('acc', -Infinity, 0, 0)],
          params: [],
          tags: [],
        });
        const got = await t.getRun(id);
        assert.deepEqual(got?.metrics, [metric('acc', -Infinity, 0, 0), metric('loss', 3, 2, 5)]);
        assert.deepEqual(got?.params, [{ key: 'lr', value: '0.1' }]);
        assert.deepEqual(got?.tags, [{ key: 't', value: 'b' }]);
        const history = await t.getMetricHistory(id, 'loss', 100);
        assert.deepEqual(history.metrics, [
          metric('loss', 5, 1, 10),
          metric('loss', 1, 1, 99),
          metric('loss', 3, 2, 5),
          metric('loss', Number.NaN, 2, 5),
        ]);
        assert.equal(history.next, null);

        await t.logBatch(id, { metrics: [], params: [{ key: 'lr', value: '0.1' }], tags: [] });
        await rejectsWith(
          t.logBatch(id, { metrics: [metric('loss', 0, 9, 9)], params: [{ key: 'lr', value: '0.2' }], tags: [] }),
          'INVALID_ARGUMENT',
          /Changing param values is not allowed. Param with key='lr' was already logged with value='0.1'/,
        );
        assert.equal((await t.getMetricHistory(id, 'loss', 100)).metrics.length, 4, 'a failed batch writes nothing');
        await rejectsWith(t.logBatch('nope', { metrics: [], params: [], tags: [] }), 'NOT_FOUND', /nope/);
      }));

    it('refuses one of several concurrent batches alone; the others are written', () =>
      withStore(async (t) => {
        const a = (await run(t, '0')).info.runId;
        const b = (await run(t, '0')).info.runId;
        await t.logBatch(a, { metrics: [], params: kv('p=1'), tags: [] });
        const outcomes = await Promise.allSettled([
          t.logBatch(a, { metrics: [metric('m', 1)], params: kv('q=1'), tags: [] }),
          t.logBatch(a, { metrics: [metric('lost', 1)], params: kv('p=2', 'r=1'), tags: kv('lost=1') }),
          t.logBatch('missing', { metrics: [metric('m', 1)], params: [], tags: [] }),
          t.logBatch(b, { metrics: [metric('m', 2)], params: kv('p=2'), tags: kv('kept=1') }),
        ]);
        assert.deepEqual(
          outcomes.map((o) => (o.status === 'rejected' && isOspreyError(o.reason) ? o.reason.code : o.status)),
          ['fulfilled', 'INVALID_ARGUMENT', 'NOT_FOUND', 'fulfilled'],
        );
        const [gotA, gotB] = [await t.getRun(a), await t.getRun(b)];
        assert.deepEqual([gotA?.metrics, gotA?.params, gotA?.tags], [[metric('m', 1)], kv('p=1', 'q=1'), []]);
        assert.deepEqual([gotB?.metrics, gotB?.params, gotB?.tags], [[metric('m', 2)], kv('p=2'), kv('kept=1')]);
      }));

    it('renames a run through the mlflow.runName tag and deletes tags', () =>
      withStore(async (t) => {
        const { info } = await run(t, '0');
        await t.logBatch(info.runId, { metrics: [], params: [], tags: kv('mlflow.runName=tagged', 'x=1') });
        assert.equal((await t.getRun(info.runId))?.info.runName, 'tagged');
        await t.deleteTag(info.runId, 'x');
        assert.deepEqual((await t.getRun(info.runId))?.tags, [{ key: 'mlflow.runName', value: 'tagged' }]);
        await rejectsWith(t.deleteTag(info.runId, 'x'), 'NOT_FOUND', /No tag with name: x/);
      }));

    it('pages a history by cursor, across NaN and infinities', () =>
      withStore(async (t) => {
        const { info } = await run(t, '0');
        const points = [metric('m', Infinity, 0, 1), metric('m', Number.NaN, 0, 1), metric('m', -1, 0, 1)];
        for (let i = 1; i <= 7; i++) points.push(metric('m', i, i, i));
        await t.logBatch(info.runId, { metrics: points, params: [], tags: [] });
        const seen: Metric[] = [];
        let page = await t.getMetricHistory(info.runId, 'm', 3);
        seen.push(...page.metrics);
        while (page.next) {
          page = await t.getMetricHistory(info.runId, 'm', 3, page.next);
          seen.push(...page.metrics);
        }
        assert.deepEqual(seen.slice(0, 3), [
          metric('m', -1, 0, 1),
          metric('m', Infinity, 0, 1),
          metric('m', Number.NaN, 0, 1),
        ]);
        assert.deepEqual(
          seen
            .slice(3)
            .map((m) => m.step)
            .join(),
          '1,2,3,4,5,6,7',
        );
        assert.deepEqual((await t.getMetricHistory(info.runId, 'absent', 3)).metrics, []);
      }));

    it('records dataset inputs once per run, shares datasets per experiment, and links Osprey versions', () =>
      withStore(async (t, store) => {
        const version = (await store.datasets.addVersion(newDatasetVersion('iris', 'v1'))).version;
        const a = await run(t, '0');
        const b = await run(t, '0');
        const iris = {
          name: 'iris',
          digest: version.digest,
          sourceType: 'local',
          source: '{}',
          schema: null,
          profile: '{}',
        };
        const other = { ...iris, name: 'other', digest: 'abc' };
        await t.logInputs(a.info.runId, [
          { dataset: iris, tags: [{ key: 'mlflow.data.context', value: 'train' }], datasetVersionId: version.id },
          { dataset: other, tags: [], datasetVersionId: null },
        ]);
        await t.logInputs(a.info.runId, [
          { dataset: iris, tags: [{ key: 'mlflow.data.context', value: 'eval' }], datasetVersionId: null },
        ]);
        await t.logInputs(b.info.runId, [{ dataset: iris, tags: [], datasetVersionId: null }]);
        const inputs = (await t.getRun(a.info.runId))?.inputs;
        assert.deepEqual(inputs, [
          {
            dataset: iris,
            tags: [{ key: 'mlflow.data.context', value: 'train' }],
            datasetVersion: { id: version.id, datasetName: 'iris', version: 1, digest: version.digest },
          },
          { dataset: other, tags: [], datasetVersion: null },
        ]);
        assert.equal(
          (await t.getRun(b.info.runId))?.inputs[0]?.datasetVersion?.id,
          version.id,
          'one dataset row per experiment',
        );
      }));

    it('searches runs by metrics, params, tags, attributes and datasets', () =>
      withStore(async (t) => {
        const e = await experiment(t, 'e');
        const specs = [
          { name: 'r1', start: 3, loss: 0.5, model: 'Tree', tag: 'x' },
          { name: 'r2', start: 2, loss: Number.NaN, model: 'tree', tag: 'y' },
          { name: 'r3', start: 1, loss: 2, model: 'Linear', tag: 'x' },
          { name: 'r4', start: 4, loss: undefined, model: undefined, tag: undefined },
        ];
        const runs: RunRecord[] = [];
        for (const s of specs) {
          const r = await run(t, e.experimentId, { runName: s.name, startTime: s.start });
          runs.push(r);
          await t.logBatch(r.info.runId, {
            metrics: s.loss === undefined ? [] : [metric('loss', s.loss)],
            params: s.model === undefined ? [] : [{ key: 'model', value: s.model }],
            tags: s.tag === undefined ? [] : [{ key: 'group', value: s.tag }],
          });
        }
        await t.updateRun(runs[2]!.info.runId, { status: 'FINISHED', endTime: 50 });
        await t.logInputs(runs[0]!.info.runId, [
          {
            dataset: { name: 'iris', digest: 'd1', sourceType: 'local', source: 's', schema: null, profile: null },
            tags: [{ key: 'mlflow.data.context', value: 'training' }],
            datasetVersionId: null,
          },
        ]);
        const search = async (filter: RunFilterClause[], orderBy: RunOrderClause[] = []) =>
          ids((await runSearch(t, { experimentIds: [e.experimentId], filter, orderBy })).items);

        assert.deepEqual(await search([]), ['r4', 'r1', 'r2', 'r3'], 'default: start_time DESC');
        const [r1, r2, r3] = runs.map((r) => r.info.runId);
        const cases: [RunFilterClause[], string[]][] = [
          [[where('metric', 'loss', '<', 1)], ['r1']],
          [[where('metric', 'loss', '!=', 2)], ['r1', 'r2']],
          [[where('param', 'model', 'LIKE', 't%')], ['r2']],
          [[where('param', 'model', 'ILIKE', 't%')], ['r1', 'r2']],
          [[where('tag', 'group', '!=', 'y')], ['r1', 'r3']],
          [[where('tag', 'group', '=', 'x'), where('attribute', 'start_time', '>', 1)], ['r1']],
          [[where('attribute', 'status', '=', 'FINISHED')], ['r3']],
          [[where('attribute', 'end_time', '>=', 0)], ['r3']],
          [[where('attribute', 'run_name', 'LIKE', 'r_')], ['r4', 'r1', 'r2', 'r3']],
          [[where('attribute', 'run_id', 'IN', [r2, r3])], ['r2', 'r3']],
          [[where('attribute', 'run_id', 'NOT IN', [r1])], ['r4', 'r2', 'r3']],
          [[where('dataset', 'name', '=', 'iris')], ['r1']],
          [[where('dataset', 'context', 'IN', ['training'])], ['r1']],
        ];
        for (const [filter, expected] of cases)
          assert.deepEqual(await search(filter), expected, JSON.stringify(filter));

        const byLoss = (ascending: boolean) => search([], [{ kind: 'metric', key: 'loss', ascending }]);
        assert.deepEqual(await byLoss(true), ['r1', 'r3', 'r2', 'r4'], 'numbers, then NaN, then missing');
        assert.deepEqual(await byLoss(false), ['r3', 'r1', 'r2', 'r4']);
        const order = (kind: 'param' | 'attribute', key: string, ascending: boolean) =>
          search([], [{ kind, key, ascending } as RunOrderClause]);
        assert.deepEqual(await order('param', 'model', true), ['r3', 'r1', 'r2', 'r4'], 'code-point order');
        assert.deepEqual(await order('attribute', 'start_time', true), ['r3', 'r2', 'r1', 'r4']);
        assert.deepEqual(await order('attribute', 'end_time', false), ['r3', 'r4', 'r1', 'r2']);

        await t.deleteRun(runs[3]!.info.runId, 1);
        const deleted = await runSearch(t, { experimentIds: [e.experimentId], viewType: 'DELETED_ONLY' });
        assert.deepEqual(ids(deleted.items), ['r4']);
        const paged = await runSearch(t, {
          experimentIds: [e.experimentId, '0', 'junk'],
          viewType: 'ALL',
          offset: 1,
          limit: 2,
        });
        assert.deepEqual([ids(paged.items), paged.nextOffset], [['r1', 'r2'], 3]);
        const data = paged.items[0];
        assert.deepEqual(
          [data?.metrics, data?.params, data?.tags],
          [[metric('loss', 0.5)], kv('model=Tree'), kv('group=x')],
        );
      }));

    it('lists the steps of several runs and the values at chosen steps', () =>
      withStore(async (t) => {
        const a = await run(t, '0');
        const b = await run(t, '0');
        await t.logBatch(a.info.runId, {
          metrics: [0, 1, 2, 3].map((s) => metric('m', s, s, s)),
          params: [],
          tags: [],
        });
        await t.logBatch(b.info.runId, { metrics: [2, 4].map((s) => metric('m', s * 10, s, s)), params: [], tags: [] });
        const steps = await t.getMetricSteps([a.info.runId, b.info.runId], 'm', 1, 3);
        assert.deepEqual(steps.get(a.info.runId), [1, 2, 3]);
        assert.deepEqual(steps.get(b.info.runId), [2]);
        const at = await t.getMetricsAtSteps([a.info.runId, b.info.runId], 'm', [2, 4]);
        const expected = [`${a.info.runId}:2`, `${b.info.runId}:2`, `${b.info.runId}:4`].sort();
        assert.deepEqual(
          at.map((m) => `${m.runId}:${m.step}`),
          expected,
        );
      }));

    it('keeps what it acknowledged across a reopen, and takes concurrent logging from two stores', () =>
      withStore(async (t, _store, opened) => {
        const { info } = await run(t, '0');
        const second = await opened.reopen();
        const batches = Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? t : second.tracking).logBatch(info.runId, {
            metrics: Array.from({ length: 50 }, (_, j) => metric('m', i * 50 + j, i * 50 + j, 1)),
            params: [{ key: `p${i}`, value: String(i) }],
            tags: [],
          }),
        );
        await Promise.all(batches);
        const reopened = await opened.reopen();
        const got = await reopened.tracking.getRun(info.runId);
        assert.deepEqual(got?.metrics, [metric('m', 999, 999, 1)]);
        assert.equal(got?.params.length, 20);
        assert.equal((await reopened.tracking.getMetricHistory(info.runId, 'm', 5000)).metrics.length, 1000);
      }));

    it('gives concurrent creators from two stores distinct experiments and runs', () =>
      withStore(async (t, _store, opened) => {
        const second = await opened.reopen();
        const stores = [t, second.tracking];
        const experiments = await Promise.all(
          Array.from({ length: 8 }, (_, i) => experiment(stores[i % 2]!, `parallel-${i}`)),
        );
        assert.equal(new Set(experiments.map((e) => e.experimentId)).size, 8);
        const runs = await Promise.all(Array.from({ length: 16 }, (_, i) => run(stores[i % 2]!, '0')));
        for (const r of runs) assert.equal((await t.getRun(r.info.runId))?.info.runId, r.info.runId);
        assert.equal((await runSearch(t, { viewType: 'ALL' })).items.length, 16);
      }));
  });
}
