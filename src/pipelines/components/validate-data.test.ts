import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { LocalArtifactStore } from '../../artifacts/local/local-artifact-store.js';
import { bundledDataset, SEATTLE_WEATHER } from '../../data/bundled.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { openSqlStore } from '../../store/sql/sql-metadata-store.js';
import { compile, compileFile } from '../compiler/compile.js';
import { Dataset, pipeline } from '../dsl/index.js';
import { PipelineExecutor } from '../executor/executor.js';
import { asArtifact } from '../executor/values.js';
import type { ExpectationResult, Expectations } from './index.js';
import { validateData } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** The validation step inside a real pipeline, run by the real executor (each step in its own process). */
export const validated = pipeline(
  { name: 'validated', params: { data: Dataset, expectations: 'json', policy: 'string' } },
  ({ data, expectations, policy }) => {
    const check = validateData({ data, expectations, policy }, { name: 'validate' });
    return { violations: check.outputs.violations };
  },
);

const EXPECTATIONS: Expectations = {
  rowCount: { min: 1000, max: 2000 },
  columns: {
    date: { type: 'date', maxNullShare: 0 },
    precipitation: { type: 'number', min: 0, max: 60, maxNullShare: 0 },
    temp_max: { type: 'number', min: -20, max: 45 },
    temp_min: { type: 'number', min: -20, max: 45 },
    wind: { type: 'number', min: 0, max: 20, maxNullShare: 0 },
    weather: { type: 'string', allowed: ['drizzle', 'rain', 'sun', 'snow', 'fog'], maxNullShare: 0 },
  },
};

// Five bad days: two below the precipitation minimum, one too hot, two unknown categories, one missing wind.
const BAD_ROWS = [
  '2016-01-01,-3.0,10.0,5.0,2.0,rain',
  '2016-01-02,1.0,99.0,5.0,2.0,sun',
  '2016-01-03,0.0,10.0,5.0,2.0,hail',
  '2016-01-04,0.0,10.0,5.0,,sun',
  '2016-01-05,-1.0,10.0,5.0,2.0,hail',
];

let home: string;
let store: MetadataStore;
let artifacts: ArtifactStore;
let executor: PipelineExecutor;
let weather: string;
let corrupted: string;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'osprey-validate-'));
  store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
  artifacts = await LocalArtifactStore.open(join(home, 'artifacts'));
  executor = new PipelineExecutor({ store, artifacts, workRoot: join(home, 'work'), parallelism: 2 });
  weather = bundledDataset(SEATTLE_WEATHER);
  corrupted = join(home, 'weather-corrupted.csv');
  const text = await readFile(weather, 'utf8');
  await writeFile(corrupted, `${text.trimEnd()}\n${BAD_ROWS.join('\n')}\n`);
});
after(async () => {
  await store.close();
  await rm(home, { recursive: true, force: true });
});

async function runValidation(data: string, expectations: Expectations, policy: string) {
  const spec = await compile(validated);
  const run = await executor.run(spec, { data, expectations, policy }, here);
  const [task] = (await store.pipelines.listTasks(run.id)).filter((t) => t.path === 'validate');
  assert.ok(task);
  const attempts = await store.pipelines.listAttempts(task.id);
  const log = await readFile(attempts.at(-1)!.logPath, 'utf8');
  return { run, task, log };
}

async function artifactText(value: unknown): Promise<string> {
  const ref = asArtifact(value as never);
  assert.ok(ref, 'an artifact output');
  return readFile(await artifacts.materialize(ref.digest), 'utf8');
}

interface Report {
  passed: boolean;
  violations: number;
  rows: number;
  validRows: number;
  quarantinedRows: number;
  expectations: ExpectationResult[];
}

describe('validateData in a pipeline on the Seattle weather data', () => {
  it('passes data that meets its expectations on to the next step unchanged', async () => {
    const { run, task, log } = await runValidation(weather, EXPECTATIONS, 'fail');
    assert.equal(run.status, 'succeeded', log);
    assert.equal(task.outputs?.violations, 0);
    const report = JSON.parse(await artifactText(task.outputs?.report)) as Report;
    assert.equal(report.passed, true);
    assert.deepEqual([report.rows, report.validRows, report.quarantinedRows], [1461, 1461, 0]);
    assert.ok(report.expectations.every((e) => e.status === 'passed'));
    assert.equal(report.expectations.length, 1 + 1 + 6 + 4 + 4 + 1); // parse, rowCount, types, ranges, nulls, allowed
    assert.equal(await artifactText(task.outputs?.valid), await readFile(weather, 'utf8'));
    assert.equal(await artifactText(task.outputs?.quarantined), '');
  });

  it("policy 'fail': the run fails and the error names each violated expectation", async () => {
    const { run, task, log } = await runValidation(corrupted, EXPECTATIONS, 'fail');
    assert.equal(run.status, 'failed');
    assert.equal(task.status, 'failed');
    assert.match(log, /data validation failed \(policy fail\): 4 expectations violated/);
    assert.match(
      log,
      /column "precipitation" range: observed \{"min":-3,"max":55\.9\}, expected \{"min":0,"max":60\} \(2 offending rows\)/,
    );
    assert.match(log, /column "temp_max" range: observed \{"min":-1\.6,"max":99\}, expected .*\(1 offending row\)/);
    assert.match(
      log,
      /column "weather" allowed: observed \{"disallowed":\[\{"value":"hail","count":2\}\]\}.*\(2 offending rows\)/,
    );
    assert.match(
      log,
      /column "wind" maxNullShare: observed \{"nullShare":0\.00068[0-9]*,"nulls":1\}, expected 0 \(1 offending row\)/,
    );
    assert.doesNotMatch(log, / {2}- column "temp_min"/);
  });

  it("policy 'quarantine': offending rows are set aside with their reasons and the run continues", async () => {
    const { run, task, log } = await runValidation(corrupted, EXPECTATIONS, 'quarantine');
    assert.equal(run.status, 'succeeded', log);
    assert.equal(task.outputs?.violations, 4);
    const report = JSON.parse(await artifactText(task.outputs?.report)) as Report;
    assert.deepEqual([report.rows, report.validRows, report.quarantinedRows], [1466, 1461, 5]);
    const offending = Object.fromEntries(
      report.expectations.filter((e) => e.status === 'failed').map((e) => [e.id, e.offendingRows]),
    );
    assert.deepEqual(offending, {
      'precipitation.range': 2,
      'temp_max.range': 1,
      'weather.allowed': 2,
      'wind.maxNullShare': 1,
    });
    const quarantined = (await artifactText(task.outputs?.quarantined))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      quarantined.map((r) => [r.date, r._osprey_row, r._osprey_violations]),
      [
        ['2016-01-01', 1462, ['precipitation.range']],
        ['2016-01-02', 1463, ['temp_max.range']],
        ['2016-01-03', 1464, ['weather.allowed']],
        ['2016-01-04', 1465, ['wind.maxNullShare']],
        ['2016-01-05', 1466, ['precipitation.range', 'weather.allowed']],
      ],
    );
    const valid = (await artifactText(task.outputs?.valid)).trim().split('\n');
    assert.equal(valid.length, 1 + 1461);
    assert.equal(valid[0], 'date,precipitation,temp_max,temp_min,wind,weather');
    assert.ok(!valid.some((line) => line.startsWith('2016-')));
  });

  it("whole-dataset expectations (row count, column type) fail the step even under 'quarantine'", async () => {
    const strict: Expectations = {
      ...EXPECTATIONS,
      rowCount: { min: 1462 },
      columns: { ...EXPECTATIONS.columns, temp_min: { type: 'integer', min: -20, max: 45 } },
    };
    const { run, log } = await runValidation(corrupted, strict, 'quarantine');
    assert.equal(run.status, 'failed');
    assert.match(log, /2 expectations violated that quarantine cannot fix/);
    assert.match(log, /- rowCount: observed 1461, expected \{"min":1462\}/);
    assert.match(log, /- column "temp_min" type: observed "DOUBLE", expected "integer"/);
    assert.doesNotMatch(log, /- column "weather"/);
  });

  it('refuses malformed expectations and an unknown policy, naming the field', async () => {
    const bad = await runValidation(weather, { columns: { wind: { maxNullShare: 2 } } }, 'fail');
    assert.equal(bad.run.status, 'failed');
    assert.match(bad.log, /expectations: columns\.wind\.maxNullShare/);
    const policy = await runValidation(weather, EXPECTATIONS, 'ignore');
    assert.equal(policy.run.status, 'failed');
    assert.match(policy.log, /policy must be 'fail' or 'quarantine', got "ignore"/);
  });

  it("unparseable rows are quarantined with their file and line under 'quarantine'", async () => {
    const broken = join(home, 'weather-broken.csv');
    await writeFile(broken, `${(await readFile(weather, 'utf8')).trimEnd()}\n2016-01-06,1.0\n`);
    const { run, task, log } = await runValidation(broken, EXPECTATIONS, 'quarantine');
    assert.equal(run.status, 'succeeded', log);
    assert.equal(task.outputs?.violations, 1);
    const report = JSON.parse(await artifactText(task.outputs?.report)) as Report;
    assert.deepEqual([report.rows, report.validRows, report.quarantinedRows], [1462, 1461, 1]);
    const [line] = (await artifactText(task.outputs?.quarantined)).trim().split('\n');
    const row = JSON.parse(line!) as Record<string, unknown>;
    assert.deepEqual([row._osprey_violations, row._osprey_line, row._osprey_raw], [['parse'], 1463, '2016-01-06,1.0']);
    const failing = await runValidation(broken, EXPECTATIONS, 'fail');
    assert.equal(failing.run.status, 'failed');
    assert.match(failing.log, /- parse: observed \{"unparseableRows":1,"lines":\["data:1463"\]\}.*\(1 offending row\)/);
  });

  it('reads a directory of JSON-lines files and writes the kept rows as JSON lines', async () => {
    const dir = join(home, 'weather-jsonl');
    await mkdir(dir);
    const day = (date: string, weather: string) => JSON.stringify({ date, precipitation: 0, weather });
    await writeFile(join(dir, 'part-1.jsonl'), `${day('2016-02-01', 'sun')}\n${day('2016-02-02', 'rain')}\n`);
    await writeFile(join(dir, 'part-2.jsonl'), `${day('2016-02-03', 'hail')}\n${day('2016-02-04', 'fog')}\n`);
    const expectations = { rowCount: { min: 3 }, columns: { weather: { allowed: ['sun', 'rain', 'fog'] } } };
    const { run, task, log } = await runValidation(dir, expectations, 'quarantine');
    assert.equal(run.status, 'succeeded', log);
    assert.equal(task.outputs?.violations, 1);
    const valid = (await artifactText(task.outputs?.valid)).trim().split('\n');
    assert.deepEqual(
      valid.map((l) => (JSON.parse(l) as { weather: string }).weather),
      ['sun', 'rain', 'fog'],
    );
    const [quarantined] = (await artifactText(task.outputs?.quarantined)).trim().split('\n');
    assert.equal((JSON.parse(quarantined!) as { date: string }).date, '2016-02-03');
  });

  it('examples/validate-weather.ts quarantines the bad days and trains on the rest', async () => {
    const spec = await compileFile(join(examples, 'validate-weather.ts'));
    const run = await executor.run(spec, { data: corrupted }, examples);
    const tasks = Object.fromEntries((await store.pipelines.listTasks(run.id)).map((t) => [t.path, t]));
    assert.equal(run.status, 'succeeded', JSON.stringify(tasks, null, 1));
    assert.equal(tasks['validate-data']?.outputs?.violations, 4);
    assert.equal(tasks.prepare?.outputs?.rows, 1461);
  });
});
