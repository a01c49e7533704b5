import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundledDataset, SEATTLE_WEATHER } from '../data/bundled.js';
import type { DriftReport, FeatureDrift } from '../monitoring/drift/index.js';
import { buildProgram } from './main.js';
import { runCli } from './test-support/run-cli.js';

// `osprey drift` on real slices of the bundled Seattle weather data (2012–2015, one row per day).
const registered = buildProgram().commands.some((c) => c.name() === 'drift');
const skip = registered ? false : 'osprey drift is not registered in src/cli/main.ts yet (registerDriftCommand)';

let dir: string;
let env: Record<string, string>;
const files: Record<string, string> = {};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-drift-cli-'));
  env = { OSPREY_HOME: join(dir, 'home'), OSPREY_DB: '' };
  const [header, ...rows] = (await readFile(bundledDataset(SEATTLE_WEATHER), 'utf8')).trimEnd().split('\n');
  const slice = async (name: string, keep: (date: string, index: number) => boolean) => {
    files[name] = join(dir, `${name}.csv`);
    await writeFile(files[name], `${[header, ...rows.filter((r, i) => keep(r.slice(0, 10), i))].join('\n')}\n`);
  };
  const month = (date: string) => Number(date.slice(5, 7));
  await slice('summer', (d) => [6, 7, 8].includes(month(d)));
  await slice('winter', (d) => [12, 1, 2].includes(month(d)));
  await slice('even_days', (_, i) => i % 2 === 0);
  await slice('odd_days', (_, i) => i % 2 === 1);
});
after(() => rm(dir, { recursive: true, force: true }));

async function drift(...args: string[]): Promise<{ code: number | null; report: DriftReport; stderr: string }> {
  const r = await runCli(['drift', ...args, '--json'], env);
  return { code: r.code, report: JSON.parse(r.stdout) as DriftReport, stderr: r.stderr };
}
const byName = (report: DriftReport) => new Map<string, FeatureDrift>(report.features.map((f) => [f.name, f]));

describe('osprey drift', { skip }, () => {
  it('summer vs winter: the seasonal columns drift, by far most in temperature; the date is not tested', async () => {
    const html = join(dir, 'seasons.html');
    const { code, report } = await drift('--reference', files.summer!, '--current', files.winter!, '--html', html);
    assert.equal(code, 0, 'drift is a result, not a failure');
    const f = byName(report);
    assert.deepEqual(
      report.features.map((x) => [x.name, x.type, x.method]),
      [
        ['precipitation', 'numerical', 'ks'],
        ['temp_max', 'numerical', 'ks'],
        ['temp_min', 'numerical', 'ks'],
        ['wind', 'numerical', 'ks'],
        ['weather', 'categorical', 'chisquare'],
      ],
    );
    for (const name of ['temp_max', 'temp_min']) {
      assert.equal(f.get(name)!.drifted, true);
      assert.ok(f.get(name)!.effect_size! > 0.9, `${name}: summer and winter temperatures barely overlap`);
    }
    assert.equal(f.get('precipitation')!.drifted, true);
    assert.ok(f.get('precipitation')!.effect_size! > 0.3);
    assert.equal(f.get('weather')!.drifted, true);
    assert.match(f.get('weather')!.note!, /new in current: "snow"/);
    // Wind is seasonal in Seattle too (winter is windier: mean 3.5 vs 2.9 m/s), a real but far smaller shift.
    assert.equal(f.get('wind')!.drifted, true);
    assert.ok(f.get('wind')!.effect_size! < 0.35 && f.get('wind')!.effect_size! < f.get('temp_min')!.effect_size! / 3);
    assert.deepEqual(report.skipped, [{ name: 'date', reason: 'DATE columns are not tested for drift' }]);
    assert.deepEqual([report.dataset_drift, report.reference.rows, report.current.rows], [true, 368, 361]);
    const page = await readFile(html, 'utf8');
    assert.doesNotMatch(page, /(src|href)\s*=\s*["']?https?:/i);
    assert.equal(page.match(/<svg /g)?.length, 5);
  });

  it('two halves of the same days (even vs odd rows): nothing drifts', async () => {
    const { code, report } = await drift('--reference', files.even_days!, '--current', files.odd_days!);
    assert.equal(code, 0);
    assert.deepEqual(
      report.features.map((f) => [f.name, f.drifted]),
      [
        ['precipitation', false],
        ['temp_max', false],
        ['temp_min', false],
        ['wind', false],
        ['weather', false],
      ],
    );
    assert.deepEqual([report.dataset_drift, report.drift_share], [false, 0]);
  });

  it('--fail-on-drift exits 1 on dataset drift; --method and overrides reach the report', async () => {
    const failing = await runCli(['drift', '-r', files.summer!, '-c', files.winter!, '--fail-on-drift'], env);
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, /dataset drift: 5 of 5 columns drifted/);
    const calm = await runCli(['drift', '-r', files.even_days!, '-c', files.odd_days!, '--fail-on-drift'], env);
    assert.equal(calm.code, 0);
    const { report } = await drift(
      '-r',
      files.summer!,
      '-c',
      files.winter!,
      '--method',
      'wasserstein',
      '--column-method',
      'wind=cvm',
      '--correction',
      'bonferroni',
    );
    assert.deepEqual(
      report.features.map((f) => f.method),
      ['wasserstein', 'wasserstein', 'wasserstein', 'cvm', 'chisquare'],
    );
    assert.equal(report.correction, 'bonferroni');
  });

  it('reads dataset versions name@N', async () => {
    const add = await runCli(['data', 'add', files.summer!, '--name', 'summer'], env);
    assert.equal(add.code, 0, add.stderr);
    const { code, report } = await drift('--reference', 'summer@1', '--current', files.winter!);
    assert.equal(code, 0);
    assert.equal(report.reference.source, 'summer@1');
    assert.equal(report.number_of_drifted_columns, 5);
  });

  it('bad input exits 2 with a clear message (an unknown dataset: 1, NOT_FOUND as everywhere)', async () => {
    const cases: [string[], RegExp][] = [
      [['-r', join(dir, 'missing.csv'), '-c', files.winter!], /missing\.csv: no such file or directory/],
      [['-r', files.summer!, '-c', files.winter!, '--method', 'magic'], /--method "magic" is unknown/],
      [['-r', files.summer!, '-c', files.winter!, '--alpha', 'x'], /--alpha must be a number/],
      [['-r', files.summer!, '-c', files.winter!, '--correction', 'holm'], /correction "holm" is unknown/],
      [['-r', files.summer!, '-c', files.winter!, '--column-method', 'nope=ks'], /unknown column "nope"/],
      [['-r', 'nosuch@2', '-c', files.winter!], /no dataset named "nosuch"/],
      [['-r', files.summer!], /required option/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['drift', ...args], env);
      const expected = message.source.includes('nosuch') ? 1 : 2; // an unknown dataset is NOT_FOUND → 1
      assert.equal(r.code, expected, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
