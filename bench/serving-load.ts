// A closed-loop load generator for bench/serving.ts, run in its own process: `concurrency` callers each send a
// request as soon as the previous one is answered, for `seconds`, over gRPC (one channel, unary ModelInfer with
// raw_input_contents) or REST (keep-alive sockets, one per caller). Prints one JSON line:
// { requests, failures, seconds, p50Ms, p99Ms, cpuMs } (cpuMs: this generator's own CPU time).
//   node --import tsx bench/serving-load.ts grpc|rest <address> <model> <concurrency> <seconds> <rows>
import { Agent, request } from 'node:http';
import { credentials, loadPackageDefinition, type ServiceError } from '@grpc/grpc-js';
import { encodeModelInferRequest } from '../src/serving/protocol/grpc/codec.js';
import { loadInferenceProto } from '../src/serving/protocol/grpc/proto.js';

const [mode, address, model, concurrencyText, secondsText, rowsText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const seconds = Number(secondsText);
const rows = Number(rowsText ?? '1');
const features = Float32Array.from({ length: rows * 10 }, (_, i) => ((i * 7) % 13) / 13);

type Send = () => Promise<boolean>;

function grpcSender(): Send {
  const loaded = loadPackageDefinition(loadInferenceProto()) as unknown as {
    inference: {
      GRPCInferenceService: new (
        address: string,
        creds: unknown,
      ) => { ModelInfer(m: unknown, cb: (e: ServiceError | null) => void): void };
    };
  };
  const client = new loaded.inference.GRPCInferenceService(address!, credentials.createInsecure());
  const message = encodeModelInferRequest(model!, {
    parameters: {},
    inputs: [{ name: 'features', datatype: 'FP32', shape: [rows, 10], data: features, parameters: {} }],
    outputs: [],
  });
  return () => new Promise((resolve) => client.ModelInfer(message, (error) => resolve(error === null)));
}

function restSender(): Send {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const body = Buffer.from(
    JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [rows, 10], data: [...features] }] }),
  );
  const url = new URL(`/v2/models/${model}/infer`, address);
  return () =>
    new Promise((resolve) => {
      const req = request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200));
        },
      );
      req.on('error', () => resolve(false));
      req.end(body);
    });
}

const send = mode === 'grpc' ? grpcSender() : restSender();
const latencies: number[] = [];
let failures = 0;
const cpuBefore = process.cpuUsage();
const deadline = performance.now() + seconds * 1000;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      if (await send()) latencies.push(performance.now() - t);
      else failures++;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
console.log(
  JSON.stringify({
    requests: latencies.length,
    failures,
    seconds: elapsed,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    cpuMs: ((cpu) => (cpu.user + cpu.system) / 1000)(process.cpuUsage(cpuBefore)),
  }),
);
process.exit(0);
