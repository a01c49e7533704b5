import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../../core/errors.js';
import { computeDrift, type FeatureDrift, startWorkerPool, tableFromColumns } from './index.js';
import { seededRandom } from './test-support/random.js';

const rng = seededRandom(7);
const feature = (features: FeatureDrift[], name: string) => features.find((f) => f.name === name)!;
/** Evenly spread values: i/n quantiles of U(0, 1) shifted by `shift` (KS statistic against the unshifted = shift). */
const grid = (n: number, shift = 0) => Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n + shift);

describe('computeDrift rules', () => {
  it('a jump in the missing share is drift, tested by the two-proportion z-test; NaN and ±Inf count as missing', async () => {
    const values = rng.normals(2000);
    const holed: (number | null)[] = [...rng.normals(2000)].map((v, i) => (i % 3 === 0 ? null : v));
    holed[1] = Number.NaN;
    holed[2] = Number.POSITIVE_INFINITY;
    holed[4] = Number.NEGATIVE_INFINITY;
    const { report } = await computeDrift(
      tableFromColumns({ x: values }),
      tableFromColumns({ x: holed as (number | null)[] }),
    );
    const x = feature(report.features, 'x');
    assert.equal(x.missing_reference, 0);
    assert.equal(x.missing_current, 667 + 3);
    assert.deepEqual(x.missing?.current, { null: 667, nan: 1, pos_inf: 1, neg_inf: 1 });
    assert.equal(x.n_current, 2000 - 670);
    assert.ok(x.missing!.p_value < 1e-100 && x.missing!.effect_size > 1);
    assert.equal(x.missing?.drifted, true);
    assert.equal(x.drifted, true, 'the distribution of the present values is the same, the missing share is not');
    assert.ok(x.p_value! > 0.01, 'KS on the finite values sees no shift');
    assert.match(x.note!, /missing share changed from 0\.0% to 33\.5%/);
  });

  it('a small change of the missing share on large samples is significant but not drift (Cohen h < 0.2)', async () => {
    const ref = [...rng.normals(100_000)].map((v, i) => (i % 100 === 0 ? null : v));
    const cur = [...rng.normals(100_000)].map((v, i) => (i % 50 === 0 ? null : v));
    const { report } = await computeDrift(tableFromColumns({ x: ref }), tableFromColumns({ x: cur }));
    const x = report.features[0]!;
    assert.ok(x.missing!.p_value_adjusted < 1e-10);
    assert.equal(x.missing!.drifted, false);
    assert.equal(x.drifted, false);
  });

  it('a constant column gets a note and a verdict, never an error', async () => {
    const { report } = await computeDrift(
      tableFromColumns({ c: new Float64Array(500).fill(3), s: Array(500).fill('a'), x: rng.normals(500) }),
      tableFromColumns({ c: new Float64Array(300).fill(3), s: Array(300).fill('a'), x: rng.normals(300) }),
    );
    for (const name of ['c', 's']) {
      const f = feature(report.features, name);
      assert.equal(f.error, null);
      assert.equal(f.drifted, false);
      assert.equal(f.type, 'categorical');
      assert.equal(f.statistic, 0);
      assert.equal(f.p_value, 1);
      assert.match(f.note!, /constant: every value is "(3|a)" in both samples/);
    }
    const forced = await computeDrift(
      tableFromColumns({ c: new Float64Array(50).fill(3) }),
      tableFromColumns({ c: new Float64Array(50).fill(4) }),
      { columns: { c: { type: 'numerical', method: 'wasserstein' } } },
    );
    const c = forced.report.features[0]!;
    assert.equal(c.method, 'wasserstein');
    assert.equal(c.statistic, 1);
    assert.equal(c.effect_size, 2, 'W₁ = 1 over the pooled std 0.5');
    assert.match(c.note!, /the reference is constant \(3\)/);
  });

  it('an empty column (all missing) gets a note; going empty is drift through the missing share', async () => {
    const { report } = await computeDrift(
      tableFromColumns({ gone: rng.normals(100), never: Array(100).fill(null), s: Array(100).fill('x') }),
      tableFromColumns({ gone: Array(80).fill(null), never: Array(80).fill(null), s: Array(80).fill(null) }),
    );
    const gone = feature(report.features, 'gone');
    assert.equal(gone.type, 'numerical', 'an all-null column takes the type of the other side');
    assert.equal(gone.method, null);
    assert.equal(gone.statistic, null);
    assert.match(gone.note!, /the current is empty/);
    assert.equal(gone.drifted, true);
    const never = feature(report.features, 'never');
    assert.match(never.note!, /the reference and current are empty/);
    assert.equal(never.drifted, false);
    assert.equal(feature(report.features, 's').drifted, true);
    const empty = await computeDrift(tableFromColumns({}), tableFromColumns({}));
    assert.deepEqual([empty.report.dataset_drift, empty.report.drift_share, empty.report.features], [false, 0, []]);
  });

  it('a type mismatch is an error of that column; the others are computed and the share leaves it out', async () => {
    const { report } = await computeDrift(
      tableFromColumns({ a: rng.normals(200), b: rng.normals(200), only_ref: rng.normals(200) }),
      tableFromColumns({ a: Array(200).fill('text'), b: rng.normals(200, 3), only_cur: rng.normals(200) }),
    );
    const a = feature(report.features, 'a');
    assert.match(a.error!, /type mismatch: the reference is numerical, the current data categorical/);
    assert.equal(a.drifted, false);
    assert.match(feature(report.features, 'only_ref').error!, /absent from the current data/);
    assert.match(feature(report.features, 'only_cur').error!, /absent from the reference data/);
    const b = feature(report.features, 'b');
    assert.equal(b.error, null);
    assert.equal(b.drifted, true);
    assert.deepEqual([report.number_of_columns, report.number_of_drifted_columns, report.drift_share], [1, 1, 1]);
  });

  it('large samples: a tiny shift is significant but below the effect-size minimum, so not drift', async () => {
    const ref = rng.normals(200_000);
    const cur = rng.normals(200_000, 0.03);
    const ks = await computeDrift(tableFromColumns({ x: ref }), tableFromColumns({ x: cur }), {
      method: 'ks',
      workers: 0,
    });
    const x = ks.report.features[0]!;
    assert.ok(x.p_value! < 1e-6, `p = ${x.p_value}`);
    assert.ok(x.effect_size! < 0.05);
    assert.equal(x.drifted, false);
    assert.match(x.note!, /significant .* but ks_statistic .* < 0\.05: too small to call drift/);
    const auto = await computeDrift(tableFromColumns({ x: ref }), tableFromColumns({ x: cur }), { workers: 0 });
    const w = auto.report.features[0]!;
    assert.deepEqual([w.method, w.p_value, w.drifted], ['wasserstein', null, false]);
    assert.ok(Math.abs(w.effect_size! - 0.03) < 0.01);
    const shifted = await computeDrift(
      tableFromColumns({ x: ref }),
      tableFromColumns({ x: rng.normals(200_000, 0.2) }),
      {
        workers: 0,
      },
    );
    assert.equal(shifted.report.features[0]!.drifted, true);
  });

  it('corrections: ten borderline columns drift with none and bh, not with bonferroni', async () => {
    const columns = (shift: number) =>
      Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`c${i}`, grid(1000, shift)]));
    const reference = tableFromColumns(columns(0));
    const current = tableFromColumns(columns(0.07));
    const verdicts: Record<string, boolean[]> = {};
    for (const correction of ['none', 'bonferroni', 'bh'] as const) {
      const { report } = await computeDrift(reference, current, { correction });
      verdicts[correction] = report.features.map((f) => f.drifted);
      const f = report.features[0]!;
      assert.ok(f.p_value! > 0.005 && f.p_value! < 0.05, `p = ${f.p_value}`);
      const expected = correction === 'bonferroni' ? Math.min(1, f.p_value! * 10) : f.p_value!;
      assert.ok(Math.abs(f.p_value_adjusted! - expected) < 1e-15);
    }
    assert.deepEqual(verdicts, {
      none: Array(10).fill(true),
      bonferroni: Array(10).fill(false),
      bh: Array(10).fill(true),
    });
  });

  it('auto picks KS / chi-square for small samples, Wasserstein / Jensen–Shannon for large, categorical for few values', async () => {
    const small = await computeDrift(
      tableFromColumns({
        n: rng.normals(300),
        s: rng.categories(300, ['a', 'b', 'c'], [1, 1, 1]),
        k: grid(300).map((v) => Math.floor(v * 4)),
      }),
      tableFromColumns({
        n: rng.normals(300),
        s: rng.categories(300, ['a', 'b', 'c'], [1, 1, 1]),
        k: grid(300).map((v) => Math.floor(v * 4)),
      }),
    );
    assert.deepEqual(
      small.report.features.map((f) => [f.name, f.type, f.method]),
      [
        ['n', 'numerical', 'ks'],
        ['s', 'categorical', 'chisquare'],
        ['k', 'categorical', 'chisquare'],
      ],
    );
    assert.match(
      feature(small.report.features, 'k').note!,
      /numbers with 4 distinct value\(s\): analysed as categorical/,
    );
    const large = await computeDrift(
      tableFromColumns({ n: rng.normals(30_000), s: rng.categories(30_000, ['a', 'b'], [1, 1]) }),
      tableFromColumns({ n: rng.normals(20_000), s: rng.categories(20_000, ['a', 'b'], [1, 1]) }),
    );
    assert.deepEqual(
      large.report.features.map((f) => [f.method, f.drifted]),
      [
        ['wasserstein', false],
        ['js', false],
      ],
    );
  });

  it('--method forces one method where it applies; per-column overrides win; a misfit override is that column’s error', async () => {
    const ref = { n: rng.normals(400), m: rng.normals(400), s: rng.categories(400, ['a', 'b'], [1, 1]) };
    const cur = { n: rng.normals(400), m: rng.normals(400), s: rng.categories(400, ['a', 'b'], [1, 2]) };
    const { report } = await computeDrift(tableFromColumns(ref), tableFromColumns(cur), {
      method: 'cvm',
      columns: { m: { method: 'psi' } },
    });
    assert.deepEqual(
      report.features.map((f) => f.method),
      ['cvm', 'psi', 'chisquare'],
    );
    assert.match(feature(report.features, 's').note!, /cvm does not apply to categorical columns: used chisquare/);
    assert.equal(feature(report.features, 'm').p_value, null);
    const misfit = await computeDrift(tableFromColumns(ref), tableFromColumns(cur), {
      columns: { s: { method: 'ks' } },
    });
    assert.match(feature(misfit.report.features, 's').error!, /method ks does not apply to a categorical column/);
    await assert.rejects(
      computeDrift(tableFromColumns(ref), tableFromColumns(cur), { columns: { nope: { method: 'ks' } } }),
      (e) => isOspreyError(e, 'INVALID_ARGUMENT') && /unknown column "nope"/.test(e.message),
    );
    await assert.rejects(computeDrift(tableFromColumns(ref), tableFromColumns(cur), { alpha: 2 }), /alpha/);
  });

  it('dataset drift: the share of drifted columns against the threshold', async () => {
    const ref = { a: rng.normals(300), b: rng.normals(300), c: rng.normals(300), d: rng.normals(300) };
    const cur = { a: rng.normals(300, 2), b: rng.normals(300), c: rng.normals(300), d: rng.normals(300) };
    const half = await computeDrift(tableFromColumns(ref), tableFromColumns(cur));
    assert.deepEqual([half.report.drift_share, half.report.dataset_drift], [0.25, false]);
    const low = await computeDrift(tableFromColumns(ref), tableFromColumns(cur), { driftShareThreshold: 0.25 });
    assert.equal(low.report.dataset_drift, true);
  });

  it("a worker pool reused for several reports, more columns than workers, gives the calling thread's reports", async () => {
    const pool = await startWorkerPool(2);
    try {
      for (const shift of [0, 0.2]) {
        // Plain (not shared) arrays: the pool copies them to shared memory once.
        const ref = Object.fromEntries(Array.from({ length: 7 }, (_, c) => [`x${c}`, rng.normals(12_000)]));
        const cur = Object.fromEntries(Array.from({ length: 7 }, (_, c) => [`x${c}`, rng.normals(3000, c * shift)]));
        const options = { method: 'ks', charts: false } as const;
        const inline = await computeDrift(tableFromColumns(ref), tableFromColumns(cur), { ...options, workers: 0 });
        const pooled = await computeDrift(tableFromColumns(ref), tableFromColumns(cur), options, pool);
        assert.deepEqual(pooled.report, inline.report);
        assert.equal(pooled.report.features.length, 7);
      }
    } finally {
      await pool.close();
    }
  });

  it('worker threads give the same report as the calling thread', async () => {
    const ref = { a: rng.normals(5000), b: rng.normals(5000), k: grid(5000).map((v) => Math.floor(v * 3)) };
    const cur = { a: rng.normals(5000, 0.3), b: rng.normals(5000), k: grid(5000).map((v) => Math.floor(v * 2)) };
    const inline = await computeDrift(tableFromColumns(ref), tableFromColumns(cur), { workers: 0 });
    const threaded = await computeDrift(tableFromColumns(ref), tableFromColumns(cur), { workers: 2 });
    assert.deepEqual(threaded.report, inline.report);
    assert.deepEqual([...threaded.charts.entries()], [...inline.charts.entries()]);
    assert.deepEqual(
      inline.report.features.map((f) => f.drifted),
      [true, false, true],
    );
  });
});
