import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { MetadataStore } from './metadata-store.js';
import type { NewMonitor, NewPrediction } from './monitors.js';
import { type FreshDatabase, withFreshStore } from './sql/test-support/fresh-stores.js';

const monitor = (name: string): NewMonitor => ({
  id: newId(),
  name,
  config: { reference: 'weather@1', source: { deployment: 'rain' }, window: { rows: 500 } },
  state: {},
});

const prediction = (requestId: string, at: number, extra: Partial<NewPrediction> = {}): NewPrediction => ({
  deployment: 'rain',
  requestId,
  modelName: 'seattle-rain',
  modelVersion: '1',
  at,
  features: { temp_max: 12.5, weather: 'rain' },
  prediction: 'rain',
  scores: [0.2, 0.8],
  ...extra,
});

/** The behaviour every MonitorRepository and PredictionLogRepository shows. */
export function monitorRepositoryContract(name: string, fresh: () => Promise<FreshDatabase>): void {
  const withStore = (fn: (store: MetadataStore, db: FreshDatabase) => Promise<void>) => withFreshStore(fresh, fn);

  describe(`MonitorRepository contract: ${name}`, () => {
    it('creates, gets by name or id, lists by name, saves state and removes monitors with their alerts', () =>
      withStore(async (store) => {
        const b = await store.monitors.create(monitor('b'));
        await store.monitors.create(monitor('a'));
        assert.deepEqual((await store.monitors.get(b.id))?.config, monitor('b').config);
        assert.deepEqual(
          (await store.monitors.list()).map((m) => m.name),
          ['a', 'b'],
        );
        await assert.rejects(store.monitors.create(monitor('a')), (e: unknown) => isOspreyError(e, 'ALREADY_EXISTS'));
        await store.monitors.saveState(b.id, { episode: 'open', since: 5 });
        assert.deepEqual((await store.monitors.get('b'))?.state, { episode: 'open', since: 5 });
        await store.monitors.recordAlert({
          id: newId(),
          monitorId: b.id,
          dedupeKey: 'episode:1',
          kind: 'data_drift',
          message: 'm',
          report: {},
          raisedAt: 1,
        });
        await store.monitors.remove('b');
        assert.equal(await store.monitors.get('b'), undefined);
        assert.deepEqual(await store.monitors.alerts({ monitorId: b.id }), []);
        await assert.rejects(store.monitors.remove('b'), (e: unknown) => isOspreyError(e, 'NOT_FOUND'));
        await assert.rejects(store.monitors.saveState(b.id, {}), (e: unknown) => isOspreyError(e, 'NOT_FOUND'));
      }));

    it('records one alert per dedupe key, also when servers in several processes race, newest first', () =>
      withStore(async (store, db) => {
        const m = await store.monitors.create(monitor('race'));
        const other = await db.open();
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? other : store).monitors.recordAlert({
              id: newId(),
              monitorId: m.id,
              dedupeKey: 'episode:1000',
              kind: 'data_drift',
              message: '3 of 6 columns drifted',
              report: { drift_share: 0.5 },
              raisedAt: 1000 + i,
            }),
          ),
        );
        assert.equal(results.filter((r) => r.created).length, 1);
        assert.equal(new Set(results.map((r) => r.alert.id)).size, 1);
        const later = await store.monitors.recordAlert({
          id: newId(),
          monitorId: m.id,
          dedupeKey: 'episode:2000',
          kind: 'data_drift',
          message: 'again',
          report: {},
          raisedAt: 5000,
        });
        await store.monitors.completeAlert(later.alert.id, { trigger: { runId: 'r1' } });
        const alerts = await store.monitors.alerts({ monitorId: m.id });
        assert.deepEqual(
          alerts.map((a) => [a.dedupeKey, a.actions]),
          [
            ['episode:2000', { trigger: { runId: 'r1' } }],
            ['episode:1000', {}],
          ],
        );
        assert.equal((await store.monitors.alerts({ limit: 1 })).length, 1);
        await other.close();
      }));
  });

  describe(`PredictionLogRepository contract: ${name}`, () => {
    it('appends once per request id, attaches late labels, and reads windows in time order', () =>
      withStore(async (store) => {
        const first = Array.from({ length: 700 }, (_, i) => prediction(`r${i}`, 1000 + i));
        assert.equal(await store.predictions.append(first), 700);
        assert.equal(await store.predictions.append([prediction('r5', 9999), prediction('new', 5000)]), 1);
        assert.equal(await store.predictions.append([prediction('r5', 1, { deployment: 'other' })]), 1);
        const labelled = await store.predictions.attachLabels('rain', [
          { requestId: 'r1', label: 'sun' },
          { requestId: 'missing', label: 'rain' },
        ]);
        assert.deepEqual(labelled, { matched: 1, unmatched: ['missing'] });
        const all = await store.predictions.window('rain');
        assert.equal(all.length, 701);
        assert.deepEqual(
          all.slice(0, 2).map((p) => [p.requestId, p.at, p.label]),
          [
            ['r0', 1000, null],
            ['r1', 1001, 'sun'],
          ],
        );
        assert.ok(all[1]?.labeledAt !== null);
        assert.deepEqual(all[0]?.features, { temp_max: 12.5, weather: 'rain' });
        assert.deepEqual(all[0]?.scores, [0.2, 0.8]);
        assert.equal(all.at(-1)?.requestId, 'new');
        const latest = await store.predictions.window('rain', { limit: 3 });
        assert.deepEqual(
          latest.map((p) => p.requestId),
          ['r698', 'r699', 'new'],
        );
        const range = await store.predictions.window('rain', { sinceMs: 1010, untilMs: 1013 });
        assert.deepEqual(
          range.map((p) => p.requestId),
          ['r10', 'r11', 'r12'],
        );
        assert.deepEqual(await store.predictions.window('nobody'), []);
      }));

    it('counts labelled predictions per model version, and those equal to their label', () =>
      withStore(async (store) => {
        await store.predictions.append([
          prediction('a', 100, { modelVersion: '1', prediction: 'rain' }),
          prediction('b', 200, { modelVersion: '1', prediction: 'sun' }),
          prediction('c', 300, { modelVersion: '2', prediction: 'sun' }),
          prediction('d', 400, { modelVersion: '2', prediction: 'sun' }),
          prediction('e', 50, { modelVersion: '1', prediction: 'rain' }),
        ]);
        await store.predictions.attachLabels('rain', [
          { requestId: 'a', label: 'rain' },
          { requestId: 'b', label: 'rain' },
          { requestId: 'c', label: 'sun' },
          { requestId: 'e', label: 'rain' },
        ]);
        assert.deepEqual(await store.predictions.labelledCounts('rain', 100), [
          { modelVersion: '1', labelled: 2, correct: 1 },
          { modelVersion: '2', labelled: 1, correct: 1 },
        ]);
        assert.deepEqual(await store.predictions.labelledCounts('rain', 1000), []);
      }));
  });
}
