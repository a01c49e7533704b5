// The load generators of the model serving benchmark (bench/serving.ts), each in its own process so that the
// servers measured (which live in the benchmark's process) keep their core: wrk for REST, h2load for gRPC (both C
// programs from Debian), and bench/serving-load.ts (Node clients, a second opinion that reports its own CPU). Also
// the machine's CPU use while a load runs, to tell a server bound by its own thread from a machine that is full.

import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));

export interface Measured {
  rps: number;
  p99Ms: number;
  errors: number;
}

export async function wrkScript(
  dir: string,
  name: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<string> {
  const bodyFile = join(dir, `${name}.body`);
  await writeFile(bodyFile, body);
  const lines = [
    'wrk.method = "POST"',
    `local f = io.open("${bodyFile}", "rb")`,
    'wrk.body = f:read("*a")',
    'f:close()',
    'wrk.headers["Content-Type"] = "application/json"',
    ...Object.entries(headers).map(([k, v]) => `wrk.headers["${k}"] = "${v}"`),
  ];
  const script = join(dir, name);
  await writeFile(script, `${lines.join('\n')}\n`);
  return script;
}

/** Runs wrk in its own process (asynchronously: the servers measured live in this one). */
export async function wrk(url: string, script: string, connections: number, seconds: number): Promise<Measured> {
  const out = await new Promise<string>((resolve, reject) =>
    execFile('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url], (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const scale = { us: 0.001, ms: 1, s: 1000 } as const;
  const p99Ms = p99 ? Number(p99[1]) * scale[p99[2] as keyof typeof scale] : Number.NaN;
  const errors =
    Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) +
    [...out.matchAll(/(connect|read|write|timeout) (\d+)/g)].reduce((s, x) => s + Number(x[2]), 0);
  return { rps, p99Ms, errors };
}

export function nodeLoad(
  mode: 'grpc' | 'rest',
  address: string,
  concurrency: number,
  rows: number,
  seconds: number,
): Promise<Measured & { generatorCpuMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(HERE, 'serving-load.ts'),
        mode,
        address,
        'tabular',
        String(concurrency),
        String(seconds),
        String(rows),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_NO_WARNINGS: '1' } },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', () => {
      const result = JSON.parse(out.trim().split('\n').pop()!);
      resolve({
        rps: result.requests / result.seconds,
        p99Ms: result.p99Ms,
        errors: result.failures,
        generatorCpuMs: result.cpuMs,
      });
    });
  });
}

/** Runs h2load (HTTP/2) in its own process: POSTs of `body` with gRPC's headers. */
export async function h2loadRun(
  url: string,
  body: string,
  connections: number,
  streams: number,
  seconds: number,
): Promise<Measured & { requests: number }> {
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      'h2load',
      [
        `-c${connections}`,
        `-m${streams}`,
        '-t1',
        `-D${seconds}`,
        '-d',
        body,
        '-H',
        'content-type: application/grpc',
        '-H',
        'te: trailers',
        url,
      ],
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    ),
  );
  const rps = Number(/finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(out)?.[1] ?? 0);
  const requests = Number(/requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded/.exec(out)?.[1] ?? 0);
  const failed = Number(/(\d+) failed, (\d+) errored/.exec(out)?.[1] ?? 0);
  // h2load gives min/max/mean/sd of request times, no percentiles: the max bounds p99 from above.
  const max = /time for request:\s+\S+\s+(\S+)/.exec(out)?.[1] ?? 'NaN';
  return { rps, p99Ms: parseDuration(max), errors: failed, requests };
}

function parseDuration(text: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!match) return Number.NaN;
  return Number(match[1]) * { us: 0.001, ms: 1, s: 1000 }[match[2] as 'us' | 'ms' | 's'];
}

/** The machine's CPU (all cores, from /proc/stat) and this process's while `run` runs; undefined off Linux. */
export async function withMachineCpu<T>(run: () => Promise<T>): Promise<{ result: T; cpu: MachineCpu | undefined }> {
  const before = procStat();
  const self = process.cpuUsage();
  const started = performance.now();
  const result = await run();
  const after = procStat();
  if (before === undefined || after === undefined) return { result, cpu: undefined };
  const used = process.cpuUsage(self);
  const seconds = (performance.now() - started) / 1000;
  const total = after.total - before.total;
  return {
    result,
    cpu: {
      cores: after.cores,
      busyCores: ((total - (after.idle - before.idle)) / total) * after.cores,
      serverCores: (used.user + used.system) / 1e6 / seconds,
    },
  };
}

export interface MachineCpu {
  readonly cores: number;
  /** Cores' worth of CPU busy on the whole machine (server, load generator, kernel, anything else). */
  readonly busyCores: number;
  /** Cores' worth used by this process (the servers measured). */
  readonly serverCores: number;
}

/** Jiffies from the aggregate `cpu` line of /proc/stat: total, and idle (idle + iowait). */
function procStat(): { total: number; idle: number; cores: number } | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  const fields = /^cpu\s+(.*)$/m.exec(text)?.[1]?.trim().split(/\s+/).map(Number);
  if (fields === undefined || fields.length < 5) return undefined;
  const cores = text.match(/^cpu\d+\s/gm)?.length ?? 1;
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const total = fields.slice(0, 8).reduce((s, x) => s + x, 0);
  return { total, idle: fields[3]! + fields[4]!, cores };
}
