import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { openScratch, sqlString } from '../../data/duckdb.js';
import { type DataFixture, openDataFixture } from '../../data/test-support/fixture.js';
import { computeDrift, readDriftTables } from './index.js';
import type { NumericColumn } from './types.js';

let fx: DataFixture;
before(async () => {
  fx = await openDataFixture();
});
after(() => fx.cleanup());

const noDatasets = async () => {
  throw new Error('files only');
};

describe('readDriftTables', () => {
  it('reads CSV numbers into typed arrays on shared memory, counting null, NaN and ±Infinity apart', async () => {
    const csv = join(fx.dir, 'ref.csv');
    await writeFile(
      csv,
      'x,s,d\n1.5,a,2024-01-01\n,b,2024-01-02\nNaN,,2024-01-03\ninf,a,2024-01-04\n-inf,a,2024-01-05\n2,b,2024-01-06\n',
    );
    const { reference } = await readDriftTables(csv, csv, noDatasets);
    assert.equal(reference.rowCount, 6);
    const x = reference.columns.find((c) => c.name === 'x')!.column as NumericColumn;
    assert.equal(x.kind, 'numeric');
    assert.deepEqual([...x.finite], [1.5, 2]);
    assert.ok(x.finite.buffer instanceof SharedArrayBuffer);
    assert.deepEqual(x.missing, { null: 1, nan: 1, pos_inf: 1, neg_inf: 1 });
    const s = reference.columns.find((c) => c.name === 's')!.column;
    assert.deepEqual(s.kind === 'categorical' && [[...s.counts.entries()].sort(), s.nulls], [
      [
        ['a', 3],
        ['b', 2],
      ],
      1,
    ]);
    assert.equal(reference.columns.find((c) => c.name === 'd')!.column.kind, 'unsupported');
  });

  it('reads Parquet and JSON lines, and a type mismatch between them is one column’s error', async () => {
    const parquet = join(fx.dir, 'ref.parquet');
    const scratch = await openScratch({ dir: fx.dir });
    try {
      await scratch.run(
        `COPY (SELECT i::DOUBLE AS v, i % 3 AS k, 'c' || (i % 2) AS s FROM range(300) t(i)) TO ${sqlString(parquet)} (FORMAT parquet)`,
      );
    } finally {
      await scratch.close();
    }
    const jsonl = join(fx.dir, 'cur.jsonl');
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ v: i + 100, k: `x${i % 3}`, s: `c${i % 2}` }));
    await writeFile(jsonl, `${lines.join('\n')}\n`);
    const tables = await readDriftTables(parquet, jsonl, noDatasets);
    const { report } = await computeDrift(tables.reference, tables.current);
    const k = report.features.find((f) => f.name === 'k')!;
    assert.match(
      k.error!,
      /type mismatch: the reference is numerical \(BIGINT\), the current data categorical \(VARCHAR\)/,
    );
    assert.equal(report.features.find((f) => f.name === 'v')!.drifted, true);
    assert.equal(report.features.find((f) => f.name === 's')!.drifted, false);
    assert.equal(report.reference.source, parquet);
  });

  it('reads dataset versions name@N from the store, and reports unparseable rows', async () => {
    const dir = join(fx.dir, 'versions');
    await mkdir(dir, { recursive: true });
    const good = join(dir, 'a.csv');
    await writeFile(good, `x,y\n${Array.from({ length: 100 }, (_, i) => `${i},${i % 4}`).join('\n')}\n`);
    const withBadRow = join(dir, 'b.csv');
    await writeFile(
      withBadRow,
      `x,y\n${Array.from({ length: 100 }, (_, i) => `${i + 50},${i % 4}`).join('\n')}\n1,2,3\n`,
    );
    await fx.datasets.add({ name: 'sales', path: good });
    await fx.datasets.add({ name: 'sales', path: withBadRow });
    const tables = await readDriftTables('sales@1', 'sales@2', async () => fx);
    assert.equal(tables.reference.source?.description, 'sales@1');
    assert.deepEqual([tables.current.rowCount, tables.current.source?.rejectedRows], [100, 1]);
    const { report } = await computeDrift(tables.reference, tables.current);
    assert.equal(report.features.find((f) => f.name === 'x')!.drifted, true);
    await assert.rejects(
      readDriftTables('sales@9', good, async () => fx),
      (e) => isOspreyError(e, 'NOT_FOUND'),
    );
    await assert.rejects(
      readDriftTables(join(fx.dir, 'nope.csv'), good, async () => fx),
      (e) => isOspreyError(e, 'INVALID_ARGUMENT'),
    );
  });
});
