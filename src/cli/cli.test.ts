import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundledDataset, SEATTLE_WEATHER } from '../data/bundled.js';
import { runCli, startCli, startServerProcess, stopProcess } from './test-support/run-cli.js';

const source = bundledDataset(SEATTLE_WEATHER);
let dir: string;
let env: Record<string, string>;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-cli-test-'));
  env = { OSPREY_HOME: join(dir, 'home'), OSPREY_DB: '' };
});
after(() => rm(dir, { recursive: true, force: true }));

describe('osprey CLI conventions', () => {
  it('has --help everywhere and exits 0', async () => {
    for (const args of [['--help'], ['data', '--help'], ['data', 'add', '--help'], ['data', 'diff', '--help']]) {
      const r = await runCli(args, env);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /Usage: osprey/);
    }
  });

  it('exits 2 on usage errors', async () => {
    assert.equal((await runCli([], env)).code, 2);
    assert.equal((await runCli(['nonsense'], env)).code, 2);
    assert.equal((await runCli(['data', 'add', source], env)).code, 2, 'missing --name');
    const bad = await runCli(['data', 'show', 'weather@x'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^osprey: invalid dataset version "weather@x"/);
  });

  it('adds, lists, shows and diffs with --json and plain progress lines when not a terminal', async () => {
    const add = await runCli(['data', 'add', source, '--name', 'weather', '--json'], env);
    assert.equal(add.code, 0, add.stderr);
    const added = JSON.parse(add.stdout) as { created: boolean; version: { version: number; rowCount: number } };
    assert.deepEqual([added.created, added.version.version, added.version.rowCount], [true, 1, 1461]);
    assert.match(add.stderr, /^hashing \(47\.1 KiB\)…$/m);
    assert.match(add.stderr, /^profiling columns: done in/m);

    const again = await runCli(['data', 'add', source, '--name', 'weather'], env);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /unchanged: identical content is already weather@1/);

    const ls = JSON.parse((await runCli(['data', 'ls', '--json'], env)).stdout) as {
      name: string;
      versionCount: number;
    }[];
    assert.deepEqual(
      ls.map((d) => [d.name, d.versionCount]),
      [['weather', 1]],
    );
    const show = await runCli(['data', 'show', 'weather@1'], env);
    assert.equal(show.code, 0);
    assert.match(show.stdout, /temp_max\s+DOUBLE\s+0\s+67/);

    const half = join(dir, 'half.csv');
    await writeFile(half, (await readFile(source, 'utf8')).split('\n').slice(0, 700).join('\n'));
    assert.equal((await runCli(['data', 'add', half, '--name', 'weather'], env)).code, 0);
    const diff = JSON.parse((await runCli(['data', 'diff', 'weather@1', 'weather@2', '--json'], env)).stdout) as {
      rowCountDelta: number;
    };
    assert.equal(diff.rowCountDelta, 699 - 1461);
  });

  it('exits 1 with one clear line for a missing file, a missing version and an unreachable database', async () => {
    const missing = await runCli(['data', 'add', join(dir, 'nope.csv'), '--name', 'x'], env);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim(), `osprey: ${join(dir, 'nope.csv')}: no such file or directory`);
    const version = await runCli(['data', 'show', 'weather@9'], env);
    assert.equal(version.code, 1);
    assert.match(version.stderr, /weather@9: no such version of dataset "weather"/);
    const db = await runCli(['data', 'ls'], { ...env, OSPREY_DB: 'postgres://postgres@127.0.0.1:1/osprey' });
    assert.equal(db.code, 1);
    assert.equal(db.stderr.trim().split('\n').length, 1);
    assert.match(db.stderr, /127\.0\.0\.1:1/);
  });

  it('leaves no dataset version visible when killed midway through an add', async () => {
    const big = join(dir, 'big.csv');
    const [header, ...rows] = (await readFile(source, 'utf8')).trimEnd().split('\n');
    await writeFile(big, [header, ...Array.from({ length: 300 }, () => rows).flat()].join('\n'));
    const killEnv = { ...env, OSPREY_HOME: join(dir, 'killed') };
    const child = startCli(['data', 'add', big, '--name', 'big'], killEnv);
    await new Promise<void>((resolve) => {
      child.stderr?.on('data', (d: Buffer) => {
        if (/parsing|profiling/.test(d.toString())) resolve();
      });
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    const ls = JSON.parse((await runCli(['data', 'ls', '--json'], killEnv)).stdout) as unknown[];
    assert.deepEqual(ls, []);
    const redo = await runCli(['data', 'add', big, '--name', 'big', '--json'], killEnv);
    assert.equal(redo.code, 0, redo.stderr);
    assert.equal((JSON.parse(redo.stdout) as { version: { rowCount: number } }).version.rowCount, 1461 * 300);
  });
});

describe('osprey server', () => {
  it('refuses to bind beyond loopback without --auth or --insecure-no-auth (exit 2)', async () => {
    const r = await runCli(['server', '--host', '0.0.0.0', '--port', '0'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--auth/);
  });

  it('serves on 127.0.0.1, answers /health, and stops cleanly on SIGTERM', async () => {
    const { child, url } = await startServerProcess(env);
    const health = await fetch(`${url}/health`);
    assert.equal(await health.text(), 'OK');
    assert.equal(await stopProcess(child), 0);
  });
});

describe('osprey demo, then the commands that inspect what it did', () => {
  const demoEnv = () => ({ ...env, OSPREY_HOME: join(dir, 'demo-home') });
  const loopHome = () => join(dir, 'demo-home', 'demo');

  it('closes the loop on real data: champion, drift alert, retraining, shadow, canary, a decision (exit 0)', async () => {
    const r = await runCli(['demo', '--json'], demoEnv());
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      home: string;
      runs: { status: string; data: string }[];
      alert: { message: string; report: string } | null;
      traffic: { requests: number; failed: number; byVersion: Record<string, number> };
      decisions: { decision: string; to: string | null; evidence: { shadow?: { pairs: number } } }[];
      deployment: { model: string; champion: string; phase: string };
    };
    assert.equal(out.ok, true);
    assert.equal(out.home, loopHome());
    assert.deepEqual(
      out.runs.map((run) => run.status),
      ['succeeded', 'succeeded'],
    );
    assert.equal(out.runs[0]!.data, 'seattle-weather@1');
    assert.notEqual(out.runs[1]!.data, 'seattle-weather@1', 'retrained on a newer data version');
    assert.match(out.alert!.message, /temp_max/);
    assert.match(await readFile(out.alert!.report, 'utf8'), /<svg/);
    assert.equal(out.traffic.failed, 0);
    const decisions = out.decisions.map((d) => d.decision);
    assert.deepEqual(decisions.slice(0, 3), ['deploy', 'start_shadow', 'start_canary']);
    assert.ok(['promote', 'rollback'].includes(decisions.at(-1)!), decisions.join(' → '));
    assert.ok(out.decisions[2]!.evidence.shadow!.pairs >= 40);
    assert.equal(out.deployment.phase, 'stable');
    assert.equal(out.deployment.champion, decisions.at(-1) === 'promote' ? '2' : '1');
    assert.ok(Object.keys(out.traffic.byVersion).includes('2'), 'the challenger answered during the canary');
  });

  it('the demo left runs, lineage and deployment decisions that the CLI shows, embedded and through OSPREY_URL', async () => {
    const home = { ...env, OSPREY_HOME: loopHome() };
    const { child: server, url } = await startServerProcess(home);
    try {
      for (const mode of [home, { ...home, OSPREY_HOME: join(dir, 'elsewhere'), OSPREY_URL: url }]) {
        const experiments = JSON.parse((await runCli(['experiments', 'ls', '--json'], mode)).stdout) as {
          name: string;
        }[];
        assert.deepEqual(experiments.map((e) => e.name).sort(), ['Default', 'weather-ct', 'weather-ct-first']);
        const runs = await runCli(['runs', 'ls', '--json'], mode);
        assert.equal(runs.code, 0, runs.stderr);
        const listed = JSON.parse(runs.stdout) as { run_id: string; kind: string; status: string }[];
        assert.deepEqual(
          listed.map((r) => [r.kind, r.status]),
          [
            ['pipeline', 'succeeded'],
            ['pipeline', 'succeeded'],
          ],
        );
        const lineage = await runCli(['models', 'lineage', 'weather-wet/1'], mode);
        assert.equal(lineage.code, 0, lineage.stderr);
        assert.match(lineage.stdout, /dataset\s+seattle-weather@1 sha256:[0-9a-f]{12} \[data\], 366 rows/);
        const models = JSON.parse((await runCli(['models', 'ls', '--json'], mode)).stdout) as { name: string }[];
        assert.deepEqual(
          models.map((m) => m.name),
          ['weather-wet'],
        );
        const missing = await runCli(['models', 'show', 'nope@champion'], mode);
        assert.notEqual(missing.code, 0);
        assert.equal(missing.stderr.trim().split('\n').length, 1);
      }
      const shown = await runCli(['deployments', 'show', 'weather'], home);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /start_canary/);
    } finally {
      await stopProcess(server);
    }
  });
});
