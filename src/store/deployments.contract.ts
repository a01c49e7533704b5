import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { NewDeployment } from './deployments.js';
import type { MetadataStore } from './metadata-store.js';
import { type FreshDatabase, withFreshStore } from './sql/test-support/fresh-stores.js';

const deployment = (endpoint: string): NewDeployment => ({
  id: newId(),
  endpoint,
  modelName: 'seattle-rain',
  alias: 'champion',
  championVersion: '1',
  challengerVersion: null,
  strategy: 'canary',
  phase: 'stable',
  config: { steps: [10, 50, 100] },
  state: {},
});
const decision = (name: string, from: string | null, to: string | null, at: number) => ({
  id: newId(),
  decision: name,
  fromVersion: from,
  toVersion: to,
  evidence: { why: name },
  decidedAt: at,
});

/** The behaviour every DeploymentRepository shows. */
export function deploymentRepositoryContract(name: string, fresh: () => Promise<FreshDatabase>): void {
  const withStore = (fn: (store: MetadataStore, db: FreshDatabase) => Promise<void>) => withFreshStore(fresh, fn);

  describe(`DeploymentRepository contract: ${name}`, () => {
    it('creates endpoints once, gets them by endpoint or id, lists them by endpoint', () =>
      withStore(async (store) => {
        const b = await store.deployments.create(deployment('b'), decision('deploy', null, '1', 1));
        await store.deployments.create(deployment('a'), decision('deploy', null, '1', 2));
        assert.equal(b.revision, 1);
        assert.deepEqual((await store.deployments.get('b'))?.config, { steps: [10, 50, 100] });
        assert.equal((await store.deployments.get(b.id))?.endpoint, 'b');
        assert.deepEqual(
          (await store.deployments.list()).map((d) => d.endpoint),
          ['a', 'b'],
        );
        await assert.rejects(store.deployments.create(deployment('a'), decision('deploy', null, '1', 3)), (e) =>
          isOspreyError(e, 'ALREADY_EXISTS'),
        );
      }));

    it('moves a rollout only from the revision read, recording each decision with its evidence', () =>
      withStore(async (store, db) => {
        const d = await store.deployments.create(deployment('rain'), decision('deploy', null, '1', 1));
        const canary = await store.deployments.update(
          d.id,
          1,
          { challengerVersion: '2', phase: 'canary', state: { step: 0, share: 10 } },
          decision('start_canary', '1', '2', 2),
        );
        assert.deepEqual([canary.revision, canary.phase, canary.challengerVersion], [2, 'canary', '2']);
        const other = await db.open();
        const racing = await Promise.allSettled([
          store.deployments.update(d.id, 2, { state: { step: 1, share: 50 } }, decision('continue', '1', '2', 3)),
          other.deployments.update(
            d.id,
            2,
            { phase: 'stable', challengerVersion: null },
            decision('rollback', '2', '1', 3),
          ),
        ]);
        assert.equal(racing.filter((r) => r.status === 'fulfilled').length, 1, 'one control plane wins');
        const lost = racing.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        assert.ok(isOspreyError(lost.reason, 'CONFLICT'), String(lost.reason));
        const promoted = await store.deployments.update(
          d.id,
          3,
          { championVersion: '2', challengerVersion: null, phase: 'stable', state: {} },
          decision('promote', '1', '2', 4),
        );
        assert.deepEqual([promoted.championVersion, promoted.challengerVersion, promoted.revision], ['2', null, 4]);
        const history = await store.deployments.decisions(d.id);
        assert.equal(history.length, 4);
        assert.deepEqual(history[0], { ...decision('deploy', null, '1', 1), id: history[0]!.id, deploymentId: d.id });
        assert.equal(history.at(-1)?.decision, 'promote');
        await assert.rejects(store.deployments.update('nope', 1, {}, decision('x', null, null, 5)), (e) =>
          isOspreyError(e, 'NOT_FOUND'),
        );
        await other.close();
      }));
  });
}
