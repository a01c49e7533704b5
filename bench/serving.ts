// Model serving benchmark (issue 6), loopback only, each case bounded in time. Peers measured in the same run on the
// same model (tabular_classifier: 10 features → 3 probabilities + label):
// - Flask + gunicorn, 2 sync workers (bench/peers/flask_serving.py; Debian's python3-flask, gunicorn, python3-onnx —
//   NumPy runs the model's graph, Debian 12 having no python3-onnxruntime);
// - a bare Node `http` server answering a fixed response (the "limit of the transport"; our REST API runs on
//   its own HTTP/1.1 layer over node:net, so it can pass it), and a bare `node:http2` server answering a fixed gRPC
//   response (what gRPC on node:http2 could reach; ours runs on its own HTTP/2 layer);
// - ONNX Runtime in process at batch 64 (measured in each round, beside the binary requests it is compared with).
// REST load comes from wrk (Debian's `wrk`), gRPC load from h2load (Debian's `nghttp2-client`: HTTP/2 POSTs of one
// length-prefixed ModelInfer message, the gRPC wire format), both C programs in their own processes; without h2load,
// and as a second opinion, both protocols are also driven by bench/serving-load.ts (Node clients in their own
// process; the server's and the generator's CPU are reported). Each case runs ROUNDS times interleaved with its
// peers; medians are compared. OSPREY_BENCH_SECONDS (default 5) and OSPREY_BENCH_ROUNDS (default 3) bound the run.
//   node --import tsx bench/serving.ts

import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MethodDefinition } from '@grpc/proto-loader';
import { DEFAULT_MODEL_CONFIG } from '../src/serving/model-config.js';
import { DirectoryModelRepository } from '../src/serving/model-repository.js';
import { startModelServer } from '../src/serving/model-server.js';
import { encodeBinaryData } from '../src/serving/protocol/binary-data.js';
import { encodeModelInferRequest } from '../src/serving/protocol/grpc/codec.js';
import { INFERENCE_SERVICE, loadInferenceProto } from '../src/serving/protocol/grpc/proto.js';
import { OnnxRuntime } from '../src/serving/runtimes/onnx/onnx-runtime.js';
import { fixtureModelPath } from '../src/serving/test-support/fixtures.js';
import { tempRepository } from '../src/serving/test-support/repository.js';
import { openSqlStore } from '../src/store/sql/index.js';
import { median, report } from './lib.js';
import {
  h2loadRun,
  type MachineCpu,
  type Measured,
  nodeLoad,
  withMachineCpu,
  wrk,
  wrkScript,
} from './serving-generators.js';
import {
  grpcAnswer,
  startBareGrpcServer,
  startBareServer,
  startFlask,
  startHttpLayerCeiling,
} from './serving-peers.js';

const SECONDS = Number(process.env.OSPREY_BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.OSPREY_BENCH_ROUNDS ?? 3);
const ONE_ROW = Array.from({ length: 10 }, (_, i) => (i + 1) / 10);

export async function benchServing(): Promise<void> {
  if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed: apt-get install -y wrk');
  const h2load = !spawnSync('h2load', ['--version']).error;
  const scratch = await mkdtemp(join(tmpdir(), 'osprey-bench-serving-'));
  const repo = await tempRepository();
  // Every model logs nothing but `tabular_logged`, which writes each prediction to a SQLite prediction log.
  const model = async (name: string, config: Record<string, unknown> = {}) => {
    await repo.addVersion(name, 1);
    await repo.writeConfig(name, 'config.json', JSON.stringify({ logging: false, ...config }));
  };
  await model('tabular');
  await model('tabular_nobatch', { max_batch_size: 0 });
  await model('tabular_workers', { instance_count: 2, inference_thread: 'worker' });
  // Batches of several 64-row requests, as a Triton model serving 64-row clients would be configured.
  await model('tabular_wide', { max_batch_size: 256 });
  await model('tabular_logged', { logging: {} });
  const store = await openSqlStore({ kind: 'sqlite', path: join(scratch, 'osprey.db') });
  const runtime = new OnnxRuntime();
  const osprey = await startModelServer({
    runtime,
    repository: new DirectoryModelRepository(repo.root, DEFAULT_MODEL_CONFIG),
    host: '127.0.0.1',
    httpPort: 0,
    grpcPort: 0,
    version: 'bench',
    // As `osprey serve` writes it: a worker thread with its own connection to the store.
    predictionLog: {
      module: import.meta.resolve('../src/store/sql/index.js'),
      exportName: 'openSqlStore',
      args: [{ kind: 'sqlite', path: join(scratch, 'osprey.db') }],
    },
  });
  const inferUrl = (model: string) => `${osprey.httpUrl}/v2/models/${model}/infer`;
  const oneRowBody = JSON.stringify({
    inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 10], data: ONE_ROW }],
  });
  const fixed = Buffer.from(
    await (await fetch(inferUrl('tabular'), { method: 'POST', body: oneRowBody })).arrayBuffer(),
  );
  const bare = await startBareServer(fixed);
  const ceiling = await startHttpLayerCeiling(fixed.toString('utf8'));
  const grpcBodyBytes = grpcFrame(1);
  const bareGrpc = await startBareGrpcServer(
    await grpcAnswer(`http://${osprey.grpcAddress}`, `/${INFERENCE_SERVICE}/ModelInfer`, grpcBodyBytes),
  );
  const flask = await startFlask(oneRowBody);
  try {
    const jsonScript = await wrkScript(scratch, 'json.lua', Buffer.from(oneRowBody), {});
    const binary = binaryBody(64);
    const binaryScript = await wrkScript(scratch, 'binary.lua', binary.body, {
      'Content-Type': 'application/octet-stream',
      'Inference-Header-Content-Length': String(binary.headerLength),
    });
    const inProcess = await inProcessOrt(runtime, 64);
    const inProcessRounds: number[] = [];
    const grpcBody = join(scratch, 'grpc.body');
    await writeFile(grpcBody, grpcBodyBytes);
    const grpcUrl = `http://${osprey.grpcAddress}/${INFERENCE_SERVICE}/ModelInfer`;
    const successes = async () =>
      (
        (await (await fetch(`${osprey.httpUrl}/v2/models/tabular/stats`)).json()) as {
          model_stats: { inference_stats: { success: { count: number } } }[];
        }
      ).model_stats[0]!.inference_stats.success.count;
    /** h2load counts HTTP statuses; a failed gRPC call is HTTP 200 too, so successes are counted by the server. */
    const grpcH2load = async (connections: number, streams: number) => {
      const before = await successes();
      const result = await h2loadRun(grpcUrl, grpcBody, connections, streams, SECONDS);
      return { ...result, errors: result.errors + Math.max(0, result.requests - ((await successes()) - before)) };
    };
    const cpu = { restNode: [] as CpuSplit[], grpcNode: [] as CpuSplit[], osprey: [] as MachineCpu[] };

    const rounds = {
      osprey: [] as Measured[],
      bare: [] as Measured[],
      ceiling: [] as Measured[],
      flask: [] as Measured[],
      grpc: [] as Measured[],
      grpc16: [] as Measured[],
      bareGrpc: [] as Measured[],
      bareGrpc16: [] as Measured[],
      grpcNode: [] as Measured[],
      restNode: [] as Measured[],
      logged: [] as Measured[],
      binary64: [] as Measured[],
      binary64Workers: [] as Measured[],
      binary64Wide: [] as Measured[],
      batchingOn: [] as Measured[],
      batchingOff: [] as Measured[],
      batchingOnWorkers: [] as Measured[],
    };
    await wrk(inferUrl('tabular'), jsonScript, 16, 2); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      const rest = await withMachineCpu(() => wrk(inferUrl('tabular'), jsonScript, 16, SECONDS));
      rounds.osprey.push(rest.result);
      if (rest.cpu) cpu.osprey.push(rest.cpu);
      rounds.bare.push(await wrk(`${bare.url}/v2/models/tabular/infer`, jsonScript, 16, SECONDS));
      rounds.ceiling.push(await wrk(`${ceiling.url}/v2/models/tabular/infer`, jsonScript, 16, SECONDS));
      if (flask) rounds.flask.push(await wrk(`${flask.url}/v2/models/tabular/infer`, jsonScript, 16, SECONDS));
      if (h2load) {
        rounds.grpc.push(await grpcH2load(1, 16));
        rounds.grpc16.push(await grpcH2load(16, 1));
        const bareGrpcUrl = `${bareGrpc.url}/${INFERENCE_SERVICE}/ModelInfer`;
        rounds.bareGrpc.push(await h2loadRun(bareGrpcUrl, grpcBody, 1, 16, SECONDS));
        rounds.bareGrpc16.push(await h2loadRun(bareGrpcUrl, grpcBody, 16, 1, SECONDS));
      }
      const grpcNode = await withCpu(() => nodeLoad('grpc', osprey.grpcAddress!, 16, 1, SECONDS));
      rounds.grpcNode.push(grpcNode.result);
      cpu.grpcNode.push(grpcNode.cpu);
      const restNode = await withCpu(() => nodeLoad('rest', osprey.httpUrl, 16, 1, SECONDS));
      rounds.restNode.push(restNode.result);
      cpu.restNode.push(restNode.cpu);
      rounds.logged.push(await wrk(inferUrl('tabular_logged'), jsonScript, 16, SECONDS));
      await osprey.predictionLogger?.flush(); // the writer's backlog does not run into the next case
      rounds.binary64.push(await wrk(inferUrl('tabular'), binaryScript, 16, SECONDS));
      rounds.binary64Workers.push(await wrk(inferUrl('tabular_workers'), binaryScript, 16, SECONDS));
      rounds.binary64Wide.push(await wrk(inferUrl('tabular_wide'), binaryScript, 16, SECONDS));
      // Its peer in the same round (the machine's load changes from minute to minute), median taken like the rest.
      inProcessRounds.push(await inProcess.rowsPerSecond());
      rounds.batchingOn.push(await wrk(inferUrl('tabular'), jsonScript, 64, SECONDS));
      rounds.batchingOff.push(await wrk(inferUrl('tabular_nobatch'), jsonScript, 64, SECONDS));
      rounds.batchingOnWorkers.push(await wrk(inferUrl('tabular_workers'), jsonScript, 64, SECONDS));
    }
    await inProcess.close();
    const inProcess64 = median(inProcessRounds);
    await osprey.predictionLogger?.flush();
    const loggedRows = (await store.predictions.window('tabular_logged')).length;
    const m = Object.fromEntries(
      Object.entries(rounds).map(([k, v]) => [
        k,
        v.length === 0
          ? undefined
          : {
              rps: median(v.map((x) => x.rps)),
              p99Ms: median(v.map((x) => x.p99Ms)),
              errors: v.reduce((s, x) => s + x.errors, 0),
            },
      ]),
    ) as Record<keyof typeof rounds, Measured | undefined>;
    const fmt = (x: Measured | undefined, unit = 'req/s') =>
      x ? `${Math.round(x.rps).toLocaleString('en')} ${unit}, p99 ${x.p99Ms.toFixed(2)} ms, errors ${x.errors}` : 'n/a';
    const ratio = (a: number | undefined, b: number | undefined, target: number) =>
      a === undefined || b === undefined
        ? 'n/a'
        : `${(a / b).toFixed(2)}× (target ≥ ${target}×) ${a / b >= target ? 'ok' : 'MISSED'}`;
    const info = (a: number | undefined, b: number | undefined) =>
      a === undefined || b === undefined ? 'n/a' : `${(a / b).toFixed(2)}×`;
    report(`Model serving (tabular_classifier, ${SECONDS} s × ${ROUNDS} rounds, medians)`, [
      ['REST 1 row @16 (wrk): Osprey', fmt(m.osprey)],
      ['REST 1 row @16 (wrk): bare node http', fmt(m.bare)],
      ["REST 1 row @16 (wrk): Osprey's HTTP layer, fixed answer", fmt(m.ceiling)],
      [
        `REST 1 row @16 (wrk): Flask+gunicorn`,
        flask ? fmt(m.flask) : 'not run (install python3-flask gunicorn python3-onnx)',
      ],
      [
        'gRPC 1 row, 1 conn × 16 streams (h2load)',
        h2load ? fmt(m.grpc) : 'not run (install nghttp2-client for h2load)',
      ],
      ['gRPC 1 row, 16 conns × 1 stream (h2load)', h2load ? fmt(m.grpc16) : 'n/a'],
      ['bare node http2, 1 conn × 16 streams', h2load ? fmt(m.bareGrpc) : 'n/a'],
      ['bare node http2, 16 conns × 1 stream', h2load ? fmt(m.bareGrpc16) : 'n/a'],
      ['gRPC unary 1 row @16 (node client)', `${fmt(m.grpcNode)}; ${cpuSplit(cpu.grpcNode)}`],
      ['REST 1 row @16 (node client)', `${fmt(m.restNode)}; ${cpuSplit(cpu.restNode)}`],
      ['REST 1 row @16 (wrk), prediction log on', `${fmt(m.logged)}; ${loggedRows.toLocaleString('en')} rows logged`],
      [
        'REST binary 64 rows @16 (wrk)',
        m.binary64 ? fmt({ ...m.binary64, rps: m.binary64.rps * 64 }, 'rows/s') : 'n/a',
      ],
      [
        'REST binary 64 rows @16, 2 worker instances',
        m.binary64Workers ? fmt({ ...m.binary64Workers, rps: m.binary64Workers.rps * 64 }, 'rows/s') : 'n/a',
      ],
      [
        'REST binary 64 rows @16, max_batch_size 256',
        m.binary64Wide ? fmt({ ...m.binary64Wide, rps: m.binary64Wide.rps * 64 }, 'rows/s') : 'n/a',
      ],
      ['in-process ONNX Runtime, batch 64', `${Math.round(inProcess64).toLocaleString('en')} rows/s`],
      ['REST 1 row @64, batching on', fmt(m.batchingOn)],
      ['REST 1 row @64, batching off', fmt(m.batchingOff)],
      ['REST 1 row @64, batching on, 2 workers', fmt(m.batchingOnWorkers)],
      ['ratio Osprey / Flask', ratio(m.osprey?.rps, m.flask?.rps, 10)],
      [
        'p99 Osprey vs Flask',
        m.osprey && m.flask
          ? `${m.osprey.p99Ms.toFixed(2)} vs ${m.flask.p99Ms.toFixed(2)} ms ${m.osprey.p99Ms <= m.flask.p99Ms ? 'ok' : 'MISSED'}`
          : 'n/a',
      ],
      ['ratio Osprey / bare http', ratio(m.osprey?.rps, m.bare?.rps, 0.7)],
      // The limits the targets above meet on this machine: what the transports themselves reach.
      ['  limit: bare http / Flask', info(m.bare?.rps, m.flask?.rps)],
      // The REST path with inference taking no time at all: 10× Flask needs inference nearly free.
      ["  limit: Osprey's HTTP layer, fixed answer / Flask", info(m.ceiling?.rps, m.flask?.rps)],
      ['  Osprey / its HTTP layer, fixed answer', info(m.osprey?.rps, m.ceiling?.rps)],
      ['  CPU during REST @16 (cores busy of all)', machineCpu(cpu.osprey)],
      ['  limit: bare http2 (1 conn) / bare http', info(m.bareGrpc?.rps, m.bare?.rps)],
      ['  limit: bare http2 (16 conns) / bare http', info(m.bareGrpc16?.rps, m.bare?.rps)],
      ['  gRPC (h2load, 1 conn) / bare http2', info(m.grpc?.rps, m.bareGrpc?.rps)],
      ['ratio gRPC (h2load, 1 conn) / REST (wrk)', ratio(m.grpc?.rps, m.osprey?.rps, 1)],
      // A gRPC channel is one connection carrying many calls (the target's case, above); 16 connections of one call
      // each cost HTTP/2 framing without its multiplexing.
      ['  gRPC (h2load, 16 conns) / REST (wrk)', info(m.grpc16?.rps, m.osprey?.rps)],
      // Bound by the clients (@grpc/grpc-js's client costs several times our server's CPU per call; see the CPU split).
      ['  gRPC / REST (node clients)', info(m.grpcNode?.rps, m.restNode?.rps)],
      ['ratio prediction log on / off', ratio(m.logged?.rps, m.osprey?.rps, 0.9)],
      [
        'ratio binary 64 rows / in-process batch 64',
        ratio(m.binary64 ? m.binary64.rps * 64 : undefined, inProcess64, 0.25),
      ],
      [
        'ratio binary 64 rows, 2 workers / in-process',
        ratio(m.binary64Workers ? m.binary64Workers.rps * 64 : undefined, inProcess64, 0.25),
      ],
      [
        'ratio binary 64 rows, max_batch_size 256 / in-process',
        ratio(m.binary64Wide ? m.binary64Wide.rps * 64 : undefined, inProcess64, 0.25),
      ],
      ['ratio batching on / off @64', ratio(m.batchingOn?.rps, m.batchingOff?.rps, 3)],
      ['ratio batching on (2 workers) / off @64', ratio(m.batchingOnWorkers?.rps, m.batchingOff?.rps, 3)],
    ]);
  } finally {
    flask?.stop();
    bare.server.close();
    await ceiling.server.close();
    bareGrpc.server.close();
    await osprey.close();
    await store.close();
    await repo.remove();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** One gRPC message on the wire: a 0 (uncompressed) byte, the length (big-endian uint32), the ModelInfer request. */
function grpcFrame(rows: number): Buffer {
  const method = (
    loadInferenceProto()[INFERENCE_SERVICE] as unknown as Record<string, MethodDefinition<unknown, unknown>>
  ).ModelInfer!;
  const message = method.requestSerialize(
    encodeModelInferRequest('tabular', {
      parameters: {},
      inputs: [
        {
          name: 'features',
          datatype: 'FP32',
          shape: [rows, 10],
          data: Float32Array.from({ length: rows * 10 }, (_, i) => ONE_ROW[i % 10]!),
          parameters: {},
        },
      ],
      outputs: [],
    }),
  );
  const frame = Buffer.alloc(5 + message.byteLength);
  frame.writeUInt32BE(message.byteLength, 1);
  message.copy(frame, 5);
  return frame;
}

interface CpuSplit {
  serverMs: number;
  generatorMs: number;
}

/** The CPU this process (the server) used while `run` ran; the generator's is read from its own report. */
async function withCpu(run: () => Promise<Measured & { generatorCpuMs: number }>) {
  const before = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(before);
  return { result, cpu: { serverMs: (used.user + used.system) / 1000, generatorMs: result.generatorCpuMs } };
}

function cpuSplit(splits: readonly CpuSplit[]): string {
  if (splits.length === 0) return '';
  const server = median(splits.map((s) => s.serverMs)) / 1000;
  const generator = median(splits.map((s) => s.generatorMs)) / 1000;
  return `CPU s: server ${server.toFixed(1)}, generator ${generator.toFixed(1)}`;
}

function machineCpu(samples: readonly MachineCpu[]): string {
  if (samples.length === 0) return 'n/a (no /proc/stat)';
  const busy = median(samples.map((s) => s.busyCores));
  const server = median(samples.map((s) => s.serverCores));
  return `machine ${busy.toFixed(2)} of ${samples[0]!.cores}, server process ${server.toFixed(2)} (the rest: wrk, kernel, other)`;
}

/** A Triton binary request of `rows` rows: the JSON header, then the FP32 features. */
function binaryBody(rows: number): { body: Buffer; headerLength: number } {
  const data = encodeBinaryData(
    'FP32',
    Float32Array.from({ length: rows * 10 }, (_, i) => (i % 10) / 10),
  );
  const header = Buffer.from(
    JSON.stringify({
      inputs: [
        { name: 'features', datatype: 'FP32', shape: [rows, 10], parameters: { binary_data_size: data.byteLength } },
      ],
      parameters: { binary_data_output: true },
    }),
  );
  return { body: Buffer.concat([header, data]), headerLength: header.byteLength };
}

/**
 * ONNX Runtime in this process, batch after batch (the LoadedModel the server uses): loaded and warmed once, then
 * `rowsPerSecond` measures one round.
 */
async function inProcessOrt(runtime: OnnxRuntime, batch: number) {
  const model = await runtime.load(
    { path: fixtureModelPath('tabular_classifier') },
    { intraOpThreads: 1, interOpThreads: 1 },
  );
  const inputs = new Map([
    ['features', { datatype: 'FP32' as const, shape: [batch, 10], data: new Float32Array(batch * 10).fill(0.5) }],
  ]);
  for (let i = 0; i < 200; i++) await model.infer(inputs);
  return {
    async rowsPerSecond(): Promise<number> {
      let runs = 0;
      const started = performance.now();
      while (performance.now() - started < Math.min(SECONDS, 3) * 1000) {
        await model.infer(inputs);
        runs++;
      }
      return (runs * batch) / ((performance.now() - started) / 1000);
    },
    close: () => model.close(),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchServing();
