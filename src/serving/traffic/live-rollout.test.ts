// The live router's rules with a scripted RunVersion (the real server path is covered by cli/serve-endpoints.test.ts):
// a challenger that hangs in shadow, the bound on mirrored calls, sticky canary keys, and who is charged for errors.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invalidArgument, OspreyError } from '../../core/errors.js';
import type { InferenceRequest, InferenceResponse } from '../protocol/types.js';
import { LiveRollout, type RolloutSnapshot, type RunVersion, shadowDeployment } from './live-rollout.js';

const request = (id: string): InferenceRequest => ({ id, parameters: {}, inputs: [], outputs: [] });
const answer = (version: string, label: string): InferenceResponse => ({
  modelName: 'ep',
  modelVersion: version,
  outputs: [
    { name: 'label', datatype: 'BYTES', shape: [1], data: [Buffer.from(label)] },
    { name: 'probabilities', datatype: 'FP32', shape: [1, 2], data: Float32Array.of(0.25, 0.75) },
  ],
});
const snapshot = (over: Partial<RolloutSnapshot>): RolloutSnapshot => ({
  phase: 'stable',
  champion: '1',
  challenger: '2',
  percent: 0,
  shadowPercent: 100,
  stepKey: 'a',
  ...over,
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('live rollout routing', () => {
  it('shadow: a challenger that never answers is a timed-out error; the caller has the champion at once', async () => {
    const rollout = new LiveRollout('ep', snapshot({ phase: 'shadow' }), { challengerTimeoutMs: 20 });
    const logged: (string | undefined)[] = [];
    const run: RunVersion = (version, _request, logAs) => {
      logged.push(logAs);
      return version === '1' ? Promise.resolve(answer('1', 'wet')) : new Promise(() => {});
    };
    const response = await rollout.infer(request('r1'), run);
    assert.equal(response.modelVersion, '1');
    assert.deepEqual(logged, [undefined, shadowDeployment('ep')]);
    await until(() => rollout.evidence().challenger.errors === 1);
    const evidence = rollout.evidence();
    assert.deepEqual([evidence.champion.requests, evidence.champion.errors], [1, 0]);
    assert.equal(evidence.shadow?.pairs, 0);
  });

  it('shadow: answers are paired row by row; mirrored calls in flight are bounded', async () => {
    const rollout = new LiveRollout('ep', snapshot({ phase: 'shadow' }), { maxShadowInFlight: 1 });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const run: RunVersion = async (version) => {
      if (version === '2') await held;
      return answer(version, version === '1' ? 'wet' : 'dry');
    };
    await Promise.all([rollout.infer(request('a'), run), rollout.infer(request('b'), run)]);
    assert.equal(rollout.evidence().shadowSkipped, 1);
    release();
    await until(() => rollout.evidence().shadow?.pairs === 1);
    const diff = rollout.evidence().shadow!;
    assert.equal(diff.agreement, 0);
    assert.deepEqual(diff.disagreements, { wet: { dry: 1 } });
    assert.equal(diff.meanAbsScoreDiff, 0);
  });

  it('canary: a key stays on its side; a challenger failure is charged to it and the champion answers', async () => {
    const rollout = new LiveRollout('ep', snapshot({ phase: 'canary', percent: 50 }));
    const sides = new Map<string, string>();
    const run: RunVersion = async (version) => answer(version, 'wet');
    for (let round = 0; round < 3; round++)
      for (let k = 0; k < 40; k++) {
        const response = await rollout.infer(
          { ...request(`r${round}-${k}`), parameters: { routing_key: `user${k}` } },
          run,
        );
        const before = sides.get(`user${k}`);
        if (before !== undefined) assert.equal(response.modelVersion, before, `user${k} moved`);
        sides.set(`user${k}`, response.modelVersion!);
      }
    assert.deepEqual(new Set(sides.values()), new Set(['1', '2']));

    const failing = new LiveRollout('ep', snapshot({ phase: 'canary', percent: 100 }));
    const broken: RunVersion = async (version) => {
      if (version === '2') throw new OspreyError('INTERNAL', 'the challenger crashed');
      return answer(version, 'wet');
    };
    assert.equal((await failing.infer(request('x'), broken)).modelVersion, '1');
    assert.deepEqual([failing.evidence().challenger.errors, failing.evidence().champion.requests], [1, 1]);
    // A request that fails on both sides was the caller's: nobody is charged.
    const refused: RunVersion = async () => {
      throw invalidArgument('input "features": expected FP32');
    };
    await assert.rejects(failing.infer(request('y'), refused), /expected FP32/);
    assert.deepEqual([failing.evidence().challenger.errors, failing.evidence().champion.errors], [1, 0]);
  });

  it('shadow: a request the champion refuses charges nobody, and the bound holds while the champion fails', async () => {
    const rollout = new LiveRollout('ep', snapshot({ phase: 'shadow' }), { maxShadowInFlight: 1 });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let challengerCalls = 0;
    const run: RunVersion = async (version) => {
      if (version === '2') {
        challengerCalls++;
        await held;
      }
      throw invalidArgument('input "features": expected FP32');
    };
    for (const id of ['a', 'b', 'c']) await assert.rejects(rollout.infer(request(id), run), /expected FP32/);
    assert.equal(challengerCalls, 1, 'one mirrored call in flight at most, though the champion failed at once');
    assert.equal(rollout.evidence().shadowSkipped, 2);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    const evidence = rollout.evidence();
    assert.deepEqual([evidence.challenger.requests, evidence.challenger.errors], [0, 0]);
    assert.deepEqual([evidence.champion.requests, evidence.champion.errors], [0, 0]);
  });

  it('canary: a challenger that hangs or refuses (queue full) is charged, and the champion answers', async () => {
    const rollout = new LiveRollout('ep', snapshot({ phase: 'canary', percent: 100 }), { challengerTimeoutMs: 20 });
    const requests: InferenceRequest[] = [];
    const hanging: RunVersion = (version, routed) => {
      requests.push(routed);
      return version === '2' ? new Promise(() => {}) : Promise.resolve(answer('1', 'wet'));
    };
    assert.equal((await rollout.infer(request('h'), hanging)).modelVersion, '1');
    assert.equal(requests[0]!.parameters.timeout, 20_000, 'the challenger call carries the timeout to its queue');
    const full: RunVersion = async (version) => {
      if (version === '2') throw new OspreyError('RESOURCE_EXHAUSTED', 'the queue is full');
      return answer('1', 'wet');
    };
    assert.equal((await rollout.infer(request('f'), full)).modelVersion, '1');
    assert.deepEqual([rollout.evidence().challenger.requests, rollout.evidence().challenger.errors], [2, 2]);
  });

  it('starts the evidence afresh at each decision, not at each re-read of the same one', async () => {
    const rollout = new LiveRollout('ep', snapshot({ phase: 'canary', percent: 10, stepKey: 'r1' }));
    await rollout.infer(request('a'), async (v) => answer(v, 'wet'));
    const answered = () => rollout.evidence().champion.requests + rollout.evidence().challenger.requests;
    rollout.update(snapshot({ phase: 'canary', percent: 10, stepKey: 'r1' }));
    assert.equal(answered(), 1);
    rollout.update(snapshot({ phase: 'canary', percent: 50, stepKey: 'r2' }));
    assert.equal(answered(), 0);
  });
});
