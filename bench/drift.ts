// Drift benchmarks (issue 5), each against its peer or limit in the same run:
// 1. KS with p-values for 100 numerical columns, 100,000 reference × 10,000 current rows: `osprey`'s engine on worker
//    threads vs a `scipy.stats.ks_2samp` loop over the same data (target ≥ 5× faster).
// 2. A full auto-method report on 1,000,000 rows × 100 columns (80 numerical, 20 categorical; reference and current
//    each 1M rows, read from Parquet): target under 30 s and under 4 GB peak resident memory (child process).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openScratch, sqlString } from '../src/data/duckdb.js';
import { computeDrift, type DriftTable, startWorkerPool } from '../src/monitoring/drift/index.js';
import { seededRandom } from '../src/monitoring/drift/test-support/random.js';
import { median, report } from './lib.js';

const COLUMNS = Number(process.env.BENCH_DRIFT_COLUMNS ?? 100);
const REFERENCE_ROWS = Number(process.env.BENCH_DRIFT_REFERENCE_ROWS ?? 100_000);
const CURRENT_ROWS = Number(process.env.BENCH_DRIFT_CURRENT_ROWS ?? 10_000);
const REPORT_ROWS = Number(process.env.BENCH_DRIFT_REPORT_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
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

/** SciPy peer: loads the data once, then runs one timed `ks_2samp` loop per line read on stdin (answers one JSON line). */
const SCIPY_LOOP = `
import json, sys, time
import numpy as np, scipy
from scipy.stats import ks_2samp
cols, n1, n2 = (int(a) for a in sys.argv[3:6])
ref = np.fromfile(sys.argv[1], dtype='<f8').reshape(cols, n1)
cur = np.fromfile(sys.argv[2], dtype='<f8').reshape(cols, n2)
print(json.dumps({"scipy": scipy.__version__}), flush=True)
for _ in sys.stdin:
    start, start_cpu = time.perf_counter(), time.process_time()
    out = [ks_2samp(ref[c], cur[c]) for c in range(cols)]
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu,
                      "statistics": [float(r.statistic) for r in out], "pvalues": [float(r.pvalue) for r in out]}), flush=True)
`;

interface ScipyRun {
  seconds: number;
  cpu: number;
  statistics: number[];
  pvalues: number[];
}

/** The SciPy peer as a live process: `run()` times one loop, so its runs can alternate with ours. */
async function startScipyPeer(dir: string): Promise<{ version: string; run(): Promise<ScipyRun>; close(): void }> {
  const args = [join(dir, 'ref.f64'), join(dir, 'cur.f64'), ...[COLUMNS, REFERENCE_ROWS, CURRENT_ROWS].map(String)];
  const child = spawn(PYTHON, ['-c', SCIPY_LOOP, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async <T>(): Promise<T> => {
    const line = await lines.next();
    if (line.done) throw new Error(`SciPy peer failed: ${stderr}`);
    return JSON.parse(line.value) as T;
  };
  const { scipy } = await next<{ scipy: string }>();
  return {
    version: scipy,
    run() {
      child.stdin.write('run\n');
      return next<ScipyRun>();
    },
    close() {
      child.stdin.end();
    },
  };
}

/**
 * Ours and SciPy's loop alternate, run by run, so both see the same machine load (the cores are shared with other
 * work); the speed-up is the median of the per-pair ratios. Every run is timed, the first (cold JIT) included.
 */
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

  const scipy = await startScipyPeer(dir);
  const poolStart = performance.now();
  const pool = await startWorkerPool();
  const poolSeconds = (performance.now() - poolStart) / 1000;
  const ours: number[] = [];
  const oursCpu: number[] = [];
  const inline: number[] = [];
  const theirs: ScipyRun[] = [];
  let last: Awaited<ReturnType<typeof computeDrift>> | undefined;
  const options = { method: 'ks', correction: 'none', charts: false } as const;
  try {
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      const startCpu = process.cpuUsage();
      last = await computeDrift(tableOf(reference), tableOf(current), options, pool);
      ours.push((performance.now() - start) / 1000);
      const cpu = process.cpuUsage(startCpu); // all threads of this process, workers included
      oursCpu.push((cpu.user + cpu.system) / 1e6);
      theirs.push(await scipy.run());
      const inlineStart = performance.now();
      await computeDrift(tableOf(reference), tableOf(current), { ...options, workers: 0 });
      inline.push((performance.now() - inlineStart) / 1000);
    }
  } finally {
    await pool.close();
    scipy.close();
  }
  const final = theirs.at(-1)!;
  let worst = 0;
  last!.report.features.forEach((f, i) => {
    const expected = final.pvalues[i]!;
    worst = Math.max(
      worst,
      Math.abs(f.p_value! - expected) / Math.max(expected, 1e-300),
      f.statistic === final.statistics[i] ? 0 : 1,
    );
  });
  const oursSeconds = median(ours);
  const scipySeconds = median(theirs.map((t) => t.seconds));
  const ratios = ours.map((o, i) => theirs[i]!.seconds / o);
  const fmt = (values: number[], digits = 3) => values.map((v) => v.toFixed(digits)).join(' ');
  report(
    `KS with p-values: ${COLUMNS} columns, ${REFERENCE_ROWS.toLocaleString('en')} × ${CURRENT_ROWS.toLocaleString('en')} rows`,
    [
      [
        `scipy.stats.ks_2samp loop (SciPy ${scipy.version})`,
        `${scipySeconds.toFixed(3)} s median of ${fmt(theirs.map((t) => t.seconds))}`,
      ],
      [
        `osprey drift --method ks, ${pool.workers} worker threads`,
        `${oursSeconds.toFixed(3)} s median of ${fmt(ours)}`,
      ],
      ['osprey, one thread (no workers)', `${median(inline).toFixed(3)} s median of ${fmt(inline)}`],
      ['worker pool start-up (once per process)', `${poolSeconds.toFixed(3)} s`],
      ['speed-up vs SciPy, run by run', `${fmt(ratios, 1)}`],
      ['speed-up vs SciPy (median) / target ≥ 5×', `${median(ratios).toFixed(1)}×`],
      ['speed-up, one thread (median of pairs)', `${median(inline.map((o, i) => theirs[i]!.seconds / o)).toFixed(1)}×`],
      [
        'CPU time: SciPy / osprey (all threads)',
        `${median(theirs.map((t) => t.cpu)).toFixed(3)} s / ${median(oursCpu).toFixed(3)} s = ${(median(theirs.map((t) => t.cpu)) / median(oursCpu)).toFixed(1)}×`,
      ],
      [
        'load average while measuring (2 cores)',
        loadavg()
          .map((l) => l.toFixed(1))
          .join(' '),
      ],
      ['speed-up incl. pool start-up', `${(scipySeconds / (oursSeconds + poolSeconds)).toFixed(1)}×`],
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
