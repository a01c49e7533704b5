// The load generator of bench/tracking.ts, in its own process so it does not share the server's core: keep-alive
// HTTP to 127.0.0.1 only, a fixed number of requests in flight, bounded in count and in time. Prints one JSON line.
import http from 'node:http';

interface Job {
  url: string;
  mode: 'log-batch' | 'log-metric' | 'search' | 'history';
  runIds: string[];
  concurrency: number;
  maxRequests: number;
  maxSeconds: number;
  experimentId?: string;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const target = new URL(job.url);
if (target.hostname !== '127.0.0.1') throw new Error('the load generator only talks to 127.0.0.1');
const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });

function request(method: string, path: string, body?: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port: target.port,
        method,
        path,
        headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
      },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const API = '/api/2.0/mlflow';
const KEYS = 10;
const STEPS_PER_BATCH = 100;

/** Request number i: a distinct slice of steps, so no point is a duplicate. */
function nextRequest(i: number): [string, string, string | undefined] {
  const runId = job.runIds[i % job.runIds.length]!;
  if (job.mode === 'log-batch') {
    const metrics = [];
    const base = Math.floor(i / job.runIds.length) * STEPS_PER_BATCH;
    for (let k = 0; k < KEYS; k++)
      for (let s = 0; s < STEPS_PER_BATCH; s++)
        metrics.push({
          key: `m${k}`,
          value: Math.sin(base + s + k),
          timestamp: 1_700_000_000_000 + base + s,
          step: base + s,
        });
    return ['POST', `${API}/runs/log-batch`, JSON.stringify({ run_id: runId, metrics })];
  }
  if (job.mode === 'log-metric') {
    const body = { run_id: runId, key: 'loss', value: 1 / (i + 1), timestamp: 1_700_000_000_000 + i, step: i };
    return ['POST', `${API}/runs/log-metric`, JSON.stringify(body)];
  }
  if (job.mode === 'search') {
    const body = {
      experiment_ids: [job.experimentId],
      filter: 'metrics.accuracy > 0.5',
      order_by: ['metrics.loss ASC'],
      max_results: 1000,
    };
    return ['POST', `${API}/runs/search`, JSON.stringify(body)];
  }
  return ['GET', `${API}/metrics/get-history?run_id=${runId}&metric_key=m`, undefined];
}

const latencies: number[] = [];
let sent = 0;
let failed = 0;
let bytes = 0;
let firstError = '';
const started = performance.now();
const deadline = started + job.maxSeconds * 1000;

async function worker(): Promise<void> {
  while (sent < job.maxRequests && performance.now() < deadline) {
    const [method, path, body] = nextRequest(sent++);
    const t0 = performance.now();
    const res = await request(method, path, body);
    latencies.push(performance.now() - t0);
    bytes += res.bytes;
    if (res.status !== 200) {
      failed++;
      firstError ||= `HTTP ${res.status} on ${path}`;
    }
  }
}

await Promise.all(Array.from({ length: job.concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
agent.destroy();
console.log(
  JSON.stringify({
    requests: latencies.length,
    failed,
    firstError,
    seconds,
    bytes,
    pointsPerRequest: job.mode === 'log-batch' ? KEYS * STEPS_PER_BATCH : 1,
    p50: pct(0.5),
    p90: pct(0.9),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
