import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { ModelRegistry } from '../../registry/model-registry.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { openSqlStore } from '../../store/sql/sql-metadata-store.js';
import { analysisPolicyOf } from './analysis-policy.js';
import { type Analysis, DEFAULT_ANALYSIS } from './canary-analysis.js';
import { DeploymentService } from './deployment-service.js';

let home: string;
let store: MetadataStore;
let registry: ModelRegistry;
let deployments: DeploymentService;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'osprey-deployments-'));
  store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
  registry = new ModelRegistry(store.registry);
  // A clock that moves on every reading: decisions taken within one millisecond would otherwise list in id order.
  let tick = Date.now();
  deployments = new DeploymentService(store, registry, () => tick++);
});
after(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

async function model(name: string, versions: number): Promise<void> {
  await registry.createModel(name, '', []);
  for (let v = 1; v <= versions; v++)
    await registry.createVersion({
      name,
      source: `mlflow-artifacts:/models/${name}/${v}`,
      runId: '',
      runLink: '',
      description: '',
      tags: [],
      userId: null,
    });
}
const verdict = (v: Analysis['verdict']): Analysis => ({ verdict: v, checks: [] });
const champion = async (name: string) => String((await registry.getVersionByAlias(name, 'champion')).version);

describe('deployments', () => {
  it('deploys a champion, then canaries a challenger step by step to promotion, moving the alias', async () => {
    await model('rain', 3);
    const first = await deployments.deploy('rain-api', 'rain/1');
    assert.deepEqual([first.championVersion, first.phase], ['1', 'stable']);
    assert.equal(await champion('rain'), '1');
    const canary = await deployments.deploy('rain-api', 'rain/2', { strategy: 'canary', steps: [10, 50, 100] });
    assert.deepEqual([canary.phase, canary.challengerVersion, canary.state.percent], ['canary', '2', 10]);
    await assert.rejects(deployments.deploy('rain-api', 'rain/3', { strategy: 'canary' }), /already trying version 2/);
    assert.equal(
      (await deployments.judge('rain-api', verdict('wait'))).revision,
      canary.revision,
      'wait changes nothing',
    );
    assert.equal((await deployments.judge('rain-api', verdict('pass'), { errors: 0 })).state.percent, 50);
    assert.equal((await deployments.judge('rain-api', verdict('pass'))).state.percent, 100);
    assert.equal(await champion('rain'), '1', 'the alias moves only on promotion');
    const promoted = await deployments.judge('rain-api', verdict('pass'));
    assert.deepEqual([promoted.championVersion, promoted.challengerVersion, promoted.phase], ['2', null, 'stable']);
    assert.equal(await champion('rain'), '2');
    const history = await store.deployments.decisions(promoted.id);
    assert.deepEqual(
      history.map((h) => [h.decision, h.fromVersion, h.toVersion]),
      [
        ['deploy', null, '1'],
        ['start_canary', '1', '2'],
        ['continue', '1', '2'],
        ['continue', '1', '2'],
        ['promote', '1', '2'],
      ],
    );
    assert.deepEqual(history[2]?.evidence, { errors: 0, analysis: { verdict: 'pass', checks: [] }, percent: 50 });
  });

  it('rolls back a failing challenger, keeping the champion and its alias', async () => {
    await model('wind', 2);
    await deployments.deploy('wind-api', 'wind/1');
    const shadow = await deployments.deploy('wind-api', 'wind/2', { strategy: 'shadow' });
    // Evidence prepared against an older revision never judges a newer one (another server moved it meanwhile).
    const stale = { id: shadow.id, revision: shadow.revision - 1 };
    await assert.rejects(deployments.judge('wind-api', verdict('pass'), {}, stale), /moved on.*judge it afresh/);
    await assert.rejects(deployments.rollback('wind-api', 'why', stale), (e: unknown) => isOspreyError(e, 'CONFLICT'));
    const current = { id: shadow.id, revision: shadow.revision };
    const rolledBack = await deployments.judge('wind-api', verdict('fail'), { agreement: 0.4 }, current);
    assert.deepEqual(
      [rolledBack.championVersion, rolledBack.challengerVersion, rolledBack.phase],
      ['1', null, 'stable'],
    );
    assert.equal(await champion('wind'), '1');
    const last = (await store.deployments.decisions(rolledBack.id)).at(-1);
    assert.deepEqual([last?.decision, last?.fromVersion, last?.toVersion], ['rollback', '2', '1']);
    await assert.rejects(deployments.judge('wind-api', verdict('pass')), /is stable: there is no rollout/);
  });

  it('waits for approval when the policy asks for it; refuses bad requests clearly', async () => {
    await model('fog', 2);
    await deployments.deploy('fog-api', 'fog/1');
    await deployments.deploy('fog-api', 'fog/2', { strategy: 'canary', steps: [100], approval: true });
    const waiting = await deployments.judge('fog-api', verdict('pass'));
    assert.equal(waiting.phase, 'awaiting_approval');
    assert.equal(await champion('fog'), '1');
    const approved = await deployments.approve('fog-api', 'ops@example.com');
    assert.deepEqual([approved.championVersion, approved.phase], ['2', 'stable']);
    assert.equal(await champion('fog'), '2');
    await assert.rejects(deployments.deploy('fog-api', 'fog/2'), /already the champion/);
    await assert.rejects(deployments.deploy('x', 'fog/1', { steps: [50, 20, 100] }), /rising percentages/);
    await assert.rejects(deployments.deploy('x', 'fog/1', { steps: [10, 50] }), /last step must be 100/);
    await assert.rejects(deployments.approve('nope', 'me'), /no deployment named "nope"/);
  });

  it('shadow-then-canary: a passing shadow starts the canary at its first step, which then runs to promotion', async () => {
    await model('hail', 3);
    await deployments.deploy('hail-api', 'hail/1');
    const shadow = await deployments.deploy('hail-api', 'hail/2', {
      strategy: 'shadow-then-canary',
      steps: [25, 100],
      analysis: { minRequests: 20, minAgreement: 0.9 },
    });
    assert.deepEqual([shadow.phase, shadow.challengerVersion, shadow.strategy], ['shadow', '2', 'shadow-then-canary']);
    assert.deepEqual(shadow.config.analysis, { minRequests: 20, minAgreement: 0.9 });
    assert.deepEqual(analysisPolicyOf(shadow.config), { ...DEFAULT_ANALYSIS, minRequests: 20, minAgreement: 0.9 });
    const again = await deployments.deploy('hail-api', 'hail/2', { strategy: 'shadow-then-canary' });
    assert.deepEqual(again, shadow, 'deploying the challenger again (a retried pipeline) changes nothing');
    await assert.rejects(deployments.deploy('hail-api', 'hail/2', { strategy: 'canary' }), /already trying version 2/);
    await assert.rejects(deployments.deploy('hail-api', 'hail/3', { strategy: 'shadow' }), /already trying version 2/);
    assert.equal((await deployments.judge('hail-api', verdict('wait'))).revision, shadow.revision);

    const canary = await deployments.judge('hail-api', verdict('pass'), { agreement: 0.97 });
    assert.deepEqual([canary.phase, canary.state.step, canary.state.percent], ['canary', 0, 25]);
    assert.equal(await champion('hail'), '1', 'a passing shadow does not promote under shadow-then-canary');
    assert.deepEqual(
      await deployments.deploy('hail-api', 'hail/2', { strategy: 'shadow-then-canary' }),
      canary,
      'still idempotent once the canary runs',
    );
    assert.equal((await deployments.judge('hail-api', verdict('pass'))).state.percent, 100);
    const promoted = await deployments.judge('hail-api', verdict('pass'));
    assert.deepEqual([promoted.championVersion, promoted.phase], ['2', 'stable']);
    assert.equal(await champion('hail'), '2');
    const history = await store.deployments.decisions(promoted.id);
    assert.deepEqual(
      history.map((h) => [h.decision, h.fromVersion, h.toVersion]),
      [
        ['deploy', null, '1'],
        ['start_shadow', '1', '2'],
        ['start_canary', '1', '2'],
        ['continue', '1', '2'],
        ['promote', '1', '2'],
      ],
    );
    assert.equal(history[1]?.evidence.strategy, 'shadow-then-canary');
    assert.deepEqual(history[2]?.evidence, {
      agreement: 0.97,
      analysis: { verdict: 'pass', checks: [] },
      percent: 25,
    });

    // A failing shadow rolls back as a plain shadow does; no canary starts.
    await deployments.deploy('hail-api', 'hail/3', { strategy: 'shadow-then-canary' });
    const rolledBack = await deployments.judge('hail-api', verdict('fail'), { agreement: 0.3 });
    assert.deepEqual(
      [rolledBack.championVersion, rolledBack.challengerVersion, rolledBack.phase],
      ['2', null, 'stable'],
    );
    assert.equal((await store.deployments.decisions(promoted.id)).at(-1)?.decision, 'rollback');
  });

  it('refuses analysis settings it does not know or out of range, naming the key', async () => {
    await model('sleet', 2);
    await deployments.deploy('sleet-api', 'sleet/1');
    const deploy = (analysis: unknown) =>
      deployments.deploy('sleet-api', 'sleet/2', { strategy: 'canary', analysis: analysis as never });
    await assert.rejects(deploy({ minRequest: 5 }), /analysis\.minRequest: no such setting \(use minRequests, /);
    await assert.rejects(deploy({ minAgreement: 2 }), /analysis\.minAgreement: expected a share from 0 to 1, got 2/);
    await assert.rejects(deploy({ minRequests: 1.5 }), /analysis\.minRequests: expected a whole number ≥ 0, got 1\.5/);
    await assert.rejects(deploy({ maxLatencyRatio: 0 }), /analysis\.maxLatencyRatio: expected a ratio > 0, got 0/);
    await assert.rejects(deploy({ toString: 1 }), /analysis\.toString: no such setting/);
    await assert.rejects(deploy([1]), /analysis: give an object of settings/);
    assert.equal((await deployments.required('sleet-api')).phase, 'stable', 'nothing was started');
  });
});
