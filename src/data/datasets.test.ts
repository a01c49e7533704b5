import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { sha256Hex } from '../core/hashing.js';
import { bundledDataset, SEATTLE_WEATHER } from './bundled.js';
import { profileOf, schemaOf } from './datasets.js';
import { diffVersions } from './diff.js';
import { openScratch, sqlString } from './duckdb.js';
import { type DataFixture, openDataFixture } from './test-support/fixture.js';

const source = bundledDataset(SEATTLE_WEATHER);
let fx: DataFixture;
let lines: string[];

before(async () => {
  fx = await openDataFixture();
  lines = (await readFile(source, 'utf8')).trimEnd().split('\n');
});
after(() => fx.cleanup());

/** Linear-interpolation quantile (numpy's default, DuckDB's quantile_cont): the oracle for the profile. */
function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

describe('dataset versions of the bundled Seattle weather data', () => {
  it('adding the same content twice yields one version', async () => {
    const first = await fx.datasets.add({ name: 'weather', path: source });
    const second = await fx.datasets.add({ name: 'weather', path: source });
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.version.id, first.version.id);
    assert.equal((await fx.datasets.versions('weather')).length, 1);
    assert.equal(first.version.digest, sha256Hex(await readFile(source)));
    assert.equal(first.version.rowCount, lines.length - 1);
    assert.equal(first.version.rejectedRowCount, 0);
    assert.equal(first.version.quarantineDigest, null);
  });

  it('infers the schema', async () => {
    const version = await fx.datasets.resolve('weather@1');
    assert.deepEqual(
      schemaOf(version).map((c) => [c.name, c.type]),
      [
        ['date', 'DATE'],
        ['precipitation', 'DOUBLE'],
        ['temp_max', 'DOUBLE'],
        ['temp_min', 'DOUBLE'],
        ['wind', 'DOUBLE'],
        ['weather', 'VARCHAR'],
      ],
    );
  });

  it('profiles numbers and categories exactly, against an independent computation', async () => {
    const profile = profileOf(await fx.datasets.resolve('weather'));
    const header = lines[0]!.split(',');
    const rows = lines.slice(1).map((l) => l.split(','));
    const column = (name: string) => rows.map((r) => r[header.indexOf(name)]!);
    const tempMax = column('temp_max').map(Number);
    const sorted = [...tempMax].sort((a, b) => a - b);
    const mean = tempMax.reduce((a, b) => a + b, 0) / tempMax.length;
    const std = Math.sqrt(tempMax.reduce((a, b) => a + (b - mean) ** 2, 0) / (tempMax.length - 1));
    const p = profile.columns.find((c) => c.name === 'temp_max')!;
    assert.equal(p.kind, 'numeric');
    assert.equal(p.count, 1461);
    assert.equal(p.nulls, 0);
    assert.equal(p.distinct, new Set(tempMax).size);
    const n = p.numeric!;
    assert.equal(n.min, sorted[0]);
    assert.equal(n.max, sorted.at(-1));
    assert.ok(Math.abs(n.mean! - mean) < 1e-9, `mean ${n.mean} vs ${mean}`);
    assert.ok(Math.abs(n.std! - std) < 1e-9, `std ${n.std} vs ${std}`);
    for (const [name, q] of [
      ['p05', 0.05],
      ['p50', 0.5],
      ['p95', 0.95],
    ] as const)
      assert.ok(Math.abs(n.quantiles[name]! - quantile(sorted, q)) < 1e-9, `${name}`);
    assert.equal(n.histogram.counts.length, 20);
    assert.equal(n.histogram.edges.length, 21);
    assert.equal(
      n.histogram.counts.reduce((a, b) => a + b, 0),
      1461,
    );
    const width = (n.max! - n.min!) / 20;
    const firstBin = tempMax.filter((x) => x < n.min! + width).length;
    assert.equal(n.histogram.counts[0], firstBin);

    const weather = profile.columns.find((c) => c.name === 'weather')!;
    const counts = new Map<string, number>();
    for (const w of column('weather')) counts.set(w, (counts.get(w) ?? 0) + 1);
    assert.equal(weather.kind, 'string');
    assert.equal(weather.distinct, counts.size);
    assert.deepEqual(
      weather.categories!.top,
      [...counts]
        .map(([value, count]) => ({ value, count }))
        .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)),
    );
    assert.equal(weather.categories!.otherCount, 0);
    const date = profile.columns.find((c) => c.name === 'date')!;
    assert.deepEqual(date.temporal, { min: '2012-01-01', max: '2015-12-31' });
  });

  it('resolves references by number, latest and digest; errors name the reference', async () => {
    const v = await fx.datasets.resolve('weather@1');
    assert.equal((await fx.datasets.resolve('weather@latest')).id, v.id);
    assert.equal((await fx.datasets.resolve(`weather@${v.digest.slice(0, 10)}`)).id, v.id);
    assert.equal((await fx.datasets.resolve(v.digest)).id, v.id);
    assert.equal((await fx.datasets.resolve(`sha256:${v.digest.slice(0, 12)}`)).id, v.id);
    await assert.rejects(
      fx.datasets.resolve('weather@7'),
      (e: unknown) => isOspreyError(e, 'NOT_FOUND') && /weather@7.*versions 1–1/.test(e.message),
    );
    await assert.rejects(
      fx.datasets.resolve('nothing@1'),
      (e: unknown) => isOspreyError(e, 'NOT_FOUND') && e.message.includes('"nothing"'),
    );
    await assert.rejects(fx.datasets.resolve('weather@zz'), (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT'));
  });
});

describe('bad input', () => {
  it('quarantines rows that fail to parse, with file and line, and keeps the rest', async () => {
    // The real rows fifteen times over (21,915 rows: past DuckDB's 20,480-row type-sniffing sample), then broken rows.
    const body = Array.from({ length: 15 }, () => lines.slice(1)).flat();
    const bad = new Map<number, Buffer>([
      [51, Buffer.from('2012-02-19,0.0,10.0')], // missing columns
      [401, Buffer.from('2013-02-04,1.0,2.0,3.0,4.0,rain,extra')], // too many columns
      [1301, Buffer.from([...Buffer.from('2015-07-24,0.0,25.0,14.0,3.0,s'), 0xff, ...Buffer.from('un')])], // not UTF-8
      [21500, Buffer.from('2015-07-25,oops,25.0,14.0,3.0,sun')], // a wrong type after the sniffing sample
    ]);
    const rows: Buffer[] = [lines[0]!, ...body].map((l) => Buffer.from(l));
    for (const [line, text] of [...bad].sort((a, b) => a[0] - b[0])) rows.splice(line - 1, 0, text);
    const path = join(fx.dir, 'weather-corrupt.csv');
    await writeFile(path, Buffer.concat(rows.flatMap((r) => [r, Buffer.from('\n')])));
    const { version } = await fx.datasets.add({ name: 'weather-corrupt', path });
    assert.equal(version.rowCount, body.length);
    assert.equal(version.rejectedRowCount, 4);
    const rejected = await fx.datasets.quarantine(version);
    assert.equal(rejected.length, version.rejectedRowCount);
    assert.deepEqual(
      rejected.map((r) => r.line),
      [51, 401, 1301, 21500],
    );
    assert.equal(rejected[0]!.raw, '2012-02-19,0.0,10.0');
    assert.equal(rejected[3]!.raw, '2015-07-25,oops,25.0,14.0,3.0,sun');
    assert.ok(rejected.every((r) => r.file === path && r.error.length > 0));
    assert.match(rejected[3]!.error, /precipitation/);
    const blob = await fx.artifacts.statBlob(version.quarantineDigest!);
    assert.ok(blob && blob.size > 0);
  });

  it('quarantines JSON lines that are not JSON objects', async () => {
    const header = lines[0]!.split(',');
    const objects = lines
      .slice(1, 101)
      .map((l) => JSON.stringify(Object.fromEntries(l.split(',').map((v, i) => [header[i], v]))));
    objects.splice(10, 0, '{"date": "2012-01-11", broken');
    objects.splice(50, 0, '[1, 2, 3]');
    const path = join(fx.dir, 'weather.jsonl');
    await writeFile(path, `${objects.join('\n')}\n\n`);
    const { version } = await fx.datasets.add({ name: 'weather-json', path });
    assert.equal(version.format, 'jsonl');
    assert.equal(version.rowCount, 100);
    assert.deepEqual(
      (await fx.datasets.quarantine(version)).map((r) => r.line),
      [11, 51],
    );
  });

  it('names a missing file', async () => {
    const path = join(fx.dir, 'nope.csv');
    await assert.rejects(
      fx.datasets.add({ name: 'x', path }),
      (e: unknown) => isOspreyError(e, 'NOT_FOUND') && e.message.includes(path),
    );
  });

  it('names a corrupt Parquet file and records no version', async () => {
    const path = join(fx.dir, 'broken.parquet');
    await writeFile(path, Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(100, 7), Buffer.from('PAR1')]));
    await assert.rejects(
      fx.datasets.add({ name: 'broken', path }),
      (e: unknown) => isOspreyError(e, 'INVALID_ARGUMENT') && e.message.includes(path) && e.message.includes('parquet'),
    );
    assert.equal(await fx.store.datasets.get('broken'), undefined);
  });

  it('rejects a bad dataset name', async () => {
    await assert.rejects(fx.datasets.add({ name: '../etc', path: source }), (e: unknown) =>
      isOspreyError(e, 'INVALID_ARGUMENT'),
    );
  });
});

describe('directories, Parquet and diff', () => {
  it('hashes a directory from its sorted manifest and versions it idempotently', async () => {
    const dir = join(fx.dir, 'weather-by-year');
    await mkdir(join(dir, 'late'), { recursive: true });
    const header = lines[0]!;
    const years = (ys: string[]) =>
      [header, ...lines.slice(1).filter((l) => ys.some((y) => l.startsWith(y)))].join('\n');
    await writeFile(join(dir, '2012-2013.csv'), years(['2012', '2013']));
    await writeFile(join(dir, 'late', '2014-2015.csv'), years(['2014', '2015']));
    const a = await fx.datasets.add({ name: 'by-year', path: dir });
    const b = await fx.datasets.add({ name: 'by-year', path: dir });
    assert.equal(a.version.kind, 'directory');
    assert.equal(a.version.fileCount, 2);
    assert.equal(a.version.rowCount, 1461);
    assert.equal(b.created, false);
    const files = await fx.datasets.files(a.version);
    assert.deepEqual(
      files.map((f) => f.path),
      ['2012-2013.csv', 'late/2014-2015.csv'],
    );
    await writeFile(join(dir, 'late', '2014-2015.csv'), years(['2014']));
    const c = await fx.datasets.add({ name: 'by-year', path: dir });
    assert.equal(c.version.version, 2);
    assert.notEqual(c.version.digest, a.version.digest);
    const diff = diffVersions(a.version, c.version);
    assert.equal(diff.rowCountDelta, -365);
  });

  it('reads Parquet, and diff reports schema changes', async () => {
    const path = join(fx.dir, 'weather.parquet');
    const scratch = await openScratch({ dir: fx.dir });
    try {
      await scratch.run(
        `COPY (SELECT *, temp_max - temp_min AS temp_range FROM read_csv(${sqlString(source)})) TO ${sqlString(path)} (FORMAT parquet)`,
      );
    } finally {
      await scratch.close();
    }
    const csv = await fx.datasets.resolve('weather@1');
    const { version } = await fx.datasets.add({ name: 'weather-parquet', path });
    assert.equal(version.format, 'parquet');
    assert.equal(version.rowCount, 1461);
    const diff = diffVersions(csv, version);
    assert.deepEqual(
      diff.schema.added.map((c) => c.name),
      ['temp_range'],
    );
    assert.deepEqual(diff.schema.removed, []);
    assert.equal(diff.rowCountDelta, 0);
    assert.ok(diff.columns.every((c) => c.level === 'none'));
  });
});
