import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { MetadataStore } from './metadata-store.js';
import { type FreshDatabase, withFreshStore } from './sql/test-support/fresh-stores.js';
import type { NewTrigger } from './triggers.js';

const trigger = (name: string): NewTrigger => ({
  id: newId(),
  name,
  kind: 'dataset',
  pipeline: '/pipelines/train.ts',
  config: { dataset: 'weather', param: 'data' },
  params: { threshold: 0.85 },
  state: { lastVersion: 0 },
});

/** The behaviour every TriggerRepository shows. */
export function triggerRepositoryContract(name: string, fresh: () => Promise<FreshDatabase>): void {
  const withStore = (fn: (store: MetadataStore, db: FreshDatabase) => Promise<void>) => withFreshStore(fresh, fn);

  describe(`TriggerRepository contract: ${name}`, () => {
    it('creates, gets by name or id, lists by name and removes triggers with their history', () =>
      withStore(async (store) => {
        const b = await store.triggers.create(trigger('b'));
        await store.triggers.create(trigger('a'));
        assert.deepEqual((await store.triggers.get('b'))?.config, { dataset: 'weather', param: 'data' });
        assert.equal((await store.triggers.get(b.id))?.name, 'b');
        assert.deepEqual(
          (await store.triggers.list()).map((t) => t.name),
          ['a', 'b'],
        );
        await assert.rejects(store.triggers.create(trigger('a')), (e: unknown) => isOspreyError(e, 'ALREADY_EXISTS'));
        await store.triggers.recordEvent({
          id: newId(),
          triggerId: b.id,
          dedupeKey: 'k',
          reason: 'r',
          params: {},
          firedAt: 1,
        });
        await store.triggers.remove('b');
        assert.equal(await store.triggers.get('b'), undefined);
        await assert.rejects(store.triggers.remove('b'), (e: unknown) => isOspreyError(e, 'NOT_FOUND'));
      }));

    it('saves state between evaluations', () =>
      withStore(async (store) => {
        const t = await store.triggers.create(trigger('s'));
        await store.triggers.saveState(t.id, { lastVersion: 3 });
        assert.deepEqual((await store.triggers.get('s'))?.state, { lastVersion: 3 });
      }));

    it('records one event per dedupe key, also when evaluators in several processes race', () =>
      withStore(async (store, db) => {
        const t = await store.triggers.create(trigger('race'));
        const other = await db.open();
        const attempts = Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? other : store).triggers.recordEvent({
            id: newId(),
            triggerId: t.id,
            dedupeKey: 'dataset:weather@2',
            reason: 'weather@2 is new',
            params: { data: 'weather@2' },
            firedAt: 1000 + i,
          }),
        );
        const results = await Promise.all(attempts);
        assert.equal(results.filter((r) => r.created).length, 1);
        assert.equal(new Set(results.map((r) => r.event.id)).size, 1);
        const [event] = await store.triggers.events(t.id);
        assert.deepEqual(event?.params, { data: 'weather@2' });
        await store.triggers.completeEvent(event!.id, { runId: 'run-1' });
        assert.equal((await store.triggers.events(t.id))[0]?.runId, 'run-1');
        await store.triggers.completeEvent(event!.id, { error: 'pipeline file missing' });
        assert.equal((await store.triggers.events(t.id))[0]?.error, 'pipeline file missing');
      }));

    it('lists events newest first, bounded', () =>
      withStore(async (store) => {
        const t = await store.triggers.create(trigger('h'));
        for (let i = 0; i < 5; i++)
          await store.triggers.recordEvent({
            id: newId(),
            triggerId: t.id,
            dedupeKey: `k${i}`,
            reason: 'r',
            params: {},
            firedAt: i,
          });
        assert.deepEqual(
          (await store.triggers.events(t.id, 3)).map((e) => e.dedupeKey),
          ['k4', 'k3', 'k2'],
        );
      }));
  });
}
