// Drift benchmarks (issue 5), each against its peer or limit in the same run:
// 1. KS with p-values for 100 numerical columns, 100,000 reference × 10,000 current rows: `osprey`'s engine on worker
//    threads vs a `scipy.stats.ks_2samp` loop over the same data (target ≥ 5× faster).
// 2. A full auto-method report on 1,000,000 rows × 100 columns (80 numerical, 20 categorical; reference and current
//    each 1M rows, read from Parquet): target under 30 s and under 4 GB peak resident memory (child process).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openScratch, sqlString } from '../src/data/duckdb.js';
import { computeDrift, type DriftTable, startWorkerPool } from '../src/monitoring/drift/index.js';
import { seededRandom } from '../src/monitoring/drift/test-support/random.js';
import { median, report } from './lib.js';

const COLUMNS = Number(process.env.BENCH_DRIFT_COLUMNS ?? 100);
const REFERENCE_ROWS = Number(process.env.BENCH_DRIFT_REFERENCE_ROWS ?? 100_000);
const CURRENT_ROWS = Number(process.env.BENCH_DRIFT_CURRENT_ROWS ?? 10_000);
const REPORT_ROWS = Number(process.env.BENCH_DRIFT_REPORT_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PYTHON = process.env.BENCH_PYTHON ?? 'python3';

/** One shared-memory sample per column; every fifth column of the current data is shifted by 0.15σ. */
function generate(columns: number, rows: number, shifted: boolean, seed: number): Float64Array[] {
  const rng = seededRandom(seed);
  return Array.from({ length: columns }, (_, c) => {
    const values = new Float64Array(new SharedArrayBuffer(rows * 8));
    const shift = shifted && c % 5 === 0 ? 0.15 : 0;
    for (let i = 0; i < rows; i++) values[i] = rng.normal() + shift;
    return values;
  });
}

function tableOf(columns: Float64Array[]): DriftTable {
  return {
    rowCount: columns[0]?.length ?? 0,
    columns: columns.map((finite, i) => ({
      name: `x${i}`,
      column: { kind: 'numeric', finite, missing: { null: 0, nan: 0, pos_inf: 0, neg_inf: 0 } },
    })),
  };
}

const SCIPY_LOOP = `
import json, sys, time
import numpy as np, scipy
from scipy.stats import ks_2samp
cols, n1, n2, runs = (int(a) for a in sys.argv[3:7])
ref = np.fromfile(sys.argv[1], dtype='<f8').reshape(cols, n1)
cur = np.fromfile(sys.argv[2], dtype='<f8').reshape(cols, n2)
times, cpu = [], []
for _ in range(runs):
    start, start_cpu = time.perf_counter(), time.process_time()
    out = [ks_2samp(ref[c], cur[c]) for c in range(cols)]
    times.append(time.perf_counter() - start)
    cpu.append(time.process_time() - start_cpu)
print(json.dumps({"seconds": sorted(times)[len(times) // 2], "cpu": sorted(cpu)[len(cpu) // 2], "scipy": scipy.__version__,
                  "statistics": [float(r.statistic) for r in out], "pvalues": [float(r.pvalue) for r in out]}))
`;

async function benchKs(dir: string): Promise<void> {
  const reference = generate(COLUMNS, REFERENCE_ROWS, false, 1);
  const current = generate(COLUMNS, CURRENT_ROWS, true, 2);
  const dump = async (file: string, columns: Float64Array[]) => {
    const all = new Float64Array(columns.length * (columns[0]?.length ?? 0));
    columns.forEach((c, i) => {
      all.set(c, i * c.length);
    });
    await writeFile(file, new Uint8Array(all.buffer));
  };
  await dump(join(dir, 'ref.f64'), reference);
  await dump(join(dir, 'cur.f64'), current);

  const poolStart = performance.now();
  const pool = await startWorkerPool();
  const poolSeconds = (performance.now() - poolStart) / 1000;
  const ours: number[] = [];
  const oursCpu: number[] = [];
  let last: Awaited<ReturnType<typeof computeDrift>> | undefined;
  try {
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      const startCpu = process.cpuUsage();
      last = await computeDrift(
        tableOf(reference),
        tableOf(current),
        { method: 'ks', correction: 'none', charts: false },
        pool,
      );
      ours.push((performance.now() - start) / 1000);
      const cpu = process.cpuUsage(startCpu); // all threads of this process, workers included
      oursCpu.push((cpu.user + cpu.system) / 1e6);
    }
  } finally {
    await pool.close();
  }
  const inlineStart = performance.now();
  await computeDrift(tableOf(reference), tableOf(current), { method: 'ks', workers: 0, charts: false });
  const inlineSeconds = (performance.now() - inlineStart) / 1000;

  const py = spawnSync(
    PYTHON,
    [
      '-c',
      SCIPY_LOOP,
      join(dir, 'ref.f64'),
      join(dir, 'cur.f64'),
      ...[COLUMNS, REFERENCE_ROWS, CURRENT_ROWS, RUNS].map(String),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (py.status !== 0) throw new Error(`SciPy peer failed: ${py.stderr}`);
  const scipy = JSON.parse(py.stdout) as {
    seconds: number;
    cpu: number;
    scipy: string;
    statistics: number[];
    pvalues: number[];
  };
  let worst = 0;
  last!.report.features.forEach((f, i) => {
    const expected = scipy.pvalues[i]!;
    worst = Math.max(
      worst,
      Math.abs(f.p_value! - expected) / Math.max(expected, 1e-300),
      f.statistic === scipy.statistics[i] ? 0 : 1,
    );
  });
  const oursSeconds = median(ours);
  report(
    `KS with p-values: ${COLUMNS} columns, ${REFERENCE_ROWS.toLocaleString('en')} × ${CURRENT_ROWS.toLocaleString('en')} rows`,
    [
      [`scipy.stats.ks_2samp loop (SciPy ${scipy.scipy})`, `${scipy.seconds.toFixed(3)} s`],
      [
        `osprey drift --method ks, ${ours.length} runs, median`,
        `${oursSeconds.toFixed(3)} s on ${pool.workers} worker threads`,
      ],
      ['osprey, one thread (no workers)', `${inlineSeconds.toFixed(3)} s`],
      ['worker pool start-up (once per process)', `${poolSeconds.toFixed(3)} s`],
      ['speed-up vs SciPy / target ≥ 5×', `${(scipy.seconds / oursSeconds).toFixed(1)}×`],
      [
        'CPU time: SciPy / osprey (all threads)',
        `${scipy.cpu.toFixed(3)} s / ${median(oursCpu).toFixed(3)} s = ${(scipy.cpu / median(oursCpu)).toFixed(1)}×`,
      ],
      [
        'load average while measuring (2 cores)',
        loadavg()
          .map((l) => l.toFixed(1))
          .join(' '),
      ],
      ['speed-up incl. pool start-up', `${(scipy.seconds / (oursSeconds + poolSeconds)).toFixed(1)}×`],
      ['max relative p-value difference vs SciPy', worst.toExponential(2)],
      ['drifted columns (of 20 shifted by 0.15σ)', `${last!.report.number_of_drifted_columns}`],
    ],
  );
}

async function writeReportData(path: string, rows: number, shifted: boolean, seed: number): Promise<void> {
  const numeric = Array.from({ length: 80 }, (_, c) => {
    const shift = shifted && c % 4 === 0 ? 0.25 : 0;
    const gaussian = `sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())`;
    return c % 2 === 0 ? `${gaussian} + ${shift} AS n${c}` : `random() * 100 * ${1 + shift} AS n${c}`;
  });
  const categorical = Array.from({ length: 20 }, (_, c) => {
    const skew = shifted && c % 4 === 0 ? 'random() * random()' : 'random()';
    return `['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'][1 + floor(${skew} * 8)::INTEGER] AS s${c}`;
  });
  const scratch = await openScratch({ threads: 2 });
  try {
    await scratch.run(`SELECT setseed(${seed})`);
    await scratch.run(
      `COPY (SELECT ${[...numeric, ...categorical].join(', ')} FROM range(${rows})) TO ${sqlString(path)} (FORMAT parquet)`,
    );
  } finally {
    await scratch.close();
  }
}

async function benchReport(dir: string): Promise<void> {
  const ref = join(dir, 'reference.parquet');
  const cur = join(dir, 'current.parquet');
  await writeReportData(ref, REPORT_ROWS, false, 0.1);
  await writeReportData(cur, REPORT_ROWS, true, 0.2);
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./drift-report-child.ts', import.meta.url)),
      ref,
      cur,
      join(dir, 'report.html'),
    ],
    { encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  if (child.status !== 0) throw new Error(`drift report child failed: ${child.stderr}`);
  const r = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  report(
    `auto-method drift report: ${REPORT_ROWS.toLocaleString('en')} + ${REPORT_ROWS.toLocaleString('en')} rows × 100 columns (Parquet)`,
    [
      ['read (DuckDB → typed arrays)', `${r.readSeconds!.toFixed(1)} s`],
      ['compute (2 worker threads)', `${r.computeSeconds!.toFixed(1)} s`],
      ['HTML report', `${r.htmlSeconds!.toFixed(2)} s`],
      ['total / limit 30 s', `${r.totalSeconds!.toFixed(1)} s  ratio ${(r.totalSeconds! / 30).toFixed(2)}`],
      [
        'peak RSS / limit 4 GiB',
        `${(r.maxRssBytes! / 1024 ** 2).toFixed(0)} MiB  ratio ${(r.maxRssBytes! / 4 / 1024 ** 3).toFixed(2)}`,
      ],
      ['drifted columns (25 shifted)', `${r.drifted}`],
    ],
  );
}

export async function benchDrift(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'osprey-bench-drift-'));
  try {
    if (process.env.BENCH_DRIFT_SKIP_KS !== '1') await benchKs(dir);
    if (process.env.BENCH_DRIFT_SKIP_REPORT !== '1') await benchReport(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchDrift();
