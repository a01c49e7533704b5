import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from './test-support/run-cli.js';

let dir: string;
let env: Record<string, string>;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-cli-deployments-'));
  env = { OSPREY_HOME: join(dir, 'home'), OSPREY_DB: '' };
});
after(() => rm(dir, { recursive: true, force: true }));

describe('osprey deploy and osprey deployments', () => {
  it('deploys the champion of the demo, starts a canary, rolls it back, and shows every decision', async () => {
    assert.equal((await runCli(['demo', '--json'], env)).code, 0);
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
});
