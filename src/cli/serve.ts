/**
 * `osprey serve`: the data plane — the model server (Open Inference Protocol V2 over REST and gRPC, dynamic
 * batching, Prometheus metrics at /metrics) for models from a model repository directory or from the registry.
 * It is the composition root of serving: it picks ONNX Runtime, the repository and (for registry models) the
 * metadata and artifact stores.
 *
 * Prediction log: with a metadata store, every successful prediction is written to the store's prediction log
 * (asynchronously, bounded; each model's `logging` config says what). Registry models always have the store;
 * a model repository uses it when one is configured (`OSPREY_HOME` or `OSPREY_DB` set) or `--prediction-log`
 * is given; `--no-prediction-log` turns logging off.
 */
import type { Command } from 'commander';
import { errorMessage, invalidArgument } from '../core/errors.js';
import { watchAliases } from '../serving/alias-watcher.js';
import { CombinedModelRepository } from '../serving/combined-model-repository.js';
import { EndpointModelRepository } from '../serving/endpoint-model-repository.js';
import type { InferenceService } from '../serving/inference-service.js';
import { DEFAULT_MODEL_CONFIG, type InferenceThread, type ModelConfig } from '../serving/model-config.js';
import { DirectoryModelRepository, type ModelRepository } from '../serving/model-repository.js';
import { type RunningModelServer, startModelServer } from '../serving/model-server.js';
import { LOG_FORMATS, type LogFormat, type ServerLog, serverLog } from '../serving/observability/server-log.js';
import { parseModelReference, RegistryModelRepository } from '../serving/registry-model-repository.js';
import { OnnxRuntime } from '../serving/runtimes/onnx/onnx-runtime.js';
import { type LabelledAnswers, RolloutController } from '../serving/traffic/rollout-controller.js';
import type { DeploymentRecord } from '../store/deployments.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { type Context, openContext } from './context.js';
import { printLines } from './output.js';
import { OSPREY_VERSION } from './version.js';

export interface ServeOptions {
  repository?: string;
  model?: string[];
  endpoint?: string[];
  rolloutInterval?: string;
  host: string;
  port: string;
  grpcPort: string;
  grpc?: boolean;
  maxBatchSize?: string;
  maxQueueDelayUs?: string;
  maxQueueSize?: string;
  instances?: string;
  inferenceThread?: string;
  intraOpThreads?: string;
  pollInterval: string;
  /** true: log predictions (opening the store); false: never; undefined: when a store is configured. */
  predictionLog?: boolean;
  logSampleRate?: string;
  logFormat?: string;
}

export interface RunningServe {
  readonly server: RunningModelServer;
  /** Stops watching aliases, stops the servers (answering what they accepted), closes the stores. */
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/;

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve models for inference: Open Inference Protocol V2 over REST and gRPC, with dynamic batching')
    .option('--repository <dir>', 'a model repository: <dir>/<name>/<version>/model.onnx (+ config.json|yaml)')
    .option(
      '--model <ref>',
      'a registry model: NAME@ALIAS (follows the alias, swapping versions live) or NAME/VERSION; repeatable',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--endpoint <name>',
      "a deployment (osprey deploy): serves its champion and routes its challenger's shadow or canary traffic; repeatable",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--rollout-interval <ms>', 'how often endpoint rollouts are followed and judged', '1000')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'REST port (metrics at /metrics)', '8000')
    .option('--grpc-port <port>', 'gRPC port', '8001')
    .option('--no-grpc', 'do not start the gRPC server')
    .option(
      '--max-batch-size <n>',
      `rows per batch; 0 turns batching off (default ${DEFAULT_MODEL_CONFIG.batching.maxBatchSize})`,
    )
    .option(
      '--max-queue-delay-us <us>',
      `longest wait for a batch to fill (default ${DEFAULT_MODEL_CONFIG.batching.maxQueueDelayUs})`,
    )
    .option(
      '--max-queue-size <n>',
      `requests waiting per model before refusing (default ${DEFAULT_MODEL_CONFIG.batching.maxQueueSize})`,
    )
    .option('--instances <n>', `sessions per model version (default ${DEFAULT_MODEL_CONFIG.instanceCount})`)
    .option(
      '--inference-thread <where>',
      'where model instances compute: main (the event loop), worker (a thread each), auto (worker when --instances > 1)',
    )
    .option(
      '--intra-op-threads <n>',
      `ONNX Runtime threads per session (default ${DEFAULT_MODEL_CONFIG.intraOpThreads})`,
    )
    .option('--poll-interval <ms>', 'how often registry aliases are checked for a move', '1000')
    .option(
      '--prediction-log',
      "write predictions to the metadata store's prediction log (default: when OSPREY_HOME/OSPREY_DB is set or models come from the registry)",
    )
    .option('--no-prediction-log', 'do not log predictions')
    .option('--log-sample-rate <rate>', 'share of requests written to the prediction log, 0 to 1 (default 1)')
    .option(
      '--log-format <format>',
      'how the server logs what happens: text, or json (one JSON object per line)',
      'text',
    )
    .action(async (opts: ServeOptions) => {
      const format = opts.logFormat ?? 'text';
      if (!(LOG_FORMATS as readonly string[]).includes(format))
        throw invalidArgument(`--log-format ${format}: use ${LOG_FORMATS.join(' or ')}`);
      const log = serverLog(format as LogFormat, (line) => printLines(line));
      const running = await startServe(opts, { log });
      // From here on a signal stops the server gracefully (before, start-up failing or not, it ends the process).
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      const { server } = running;
      const models = server.service.manager.all().map((v) => `${v.name}/${v.version}`);
      log({
        level: 'info',
        event: 'serving',
        msg: [
          `osprey serve ${OSPREY_VERSION}: ${server.service.repository?.description ?? ''}`,
          `  REST (Open Inference Protocol V2) on ${server.httpUrl}/v2, metrics on ${server.httpUrl}/metrics`,
          ...(server.grpcAddress ? [`  gRPC (inference.GRPCInferenceService) on ${server.grpcAddress}`] : []),
          `  prediction log: ${server.predictionLogger ? 'on (metadata store)' : 'off'}`,
          `  models: ${models.join(', ') || '(none)'}`,
        ].join('\n'),
        rest: server.httpUrl,
        grpc: server.grpcAddress ?? null,
        predictionLog: server.predictionLogger !== undefined,
        models: models.join(','),
      });
      await stopped;
      log({
        level: 'info',
        event: 'stopping',
        msg: 'stopping: answering accepted requests, writing the prediction log',
      });
      await running.close();
    });
}

/** Starts the server as `osprey serve` does (the command, its tests and the benchmarks share it). */
export async function startServe(
  opts: ServeOptions,
  hooks: {
    log?: ServerLog;
    openContext?: () => Promise<Context>;
    /** The environment that says whether a store is configured (default process.env). */
    env?: Readonly<Record<string, string | undefined>>;
  } = {},
): Promise<RunningServe> {
  const log = hooks.log ?? (() => {});
  const references = (opts.model ?? []).map(parseModelReference);
  const endpoints = [...new Set(opts.endpoint ?? [])];
  const fromStore = references.length + endpoints.length > 0;
  if ((opts.repository === undefined) === !fromStore)
    throw invalidArgument(
      'give either --repository DIR or one or more --model NAME@ALIAS|NAME/VERSION and --endpoint NAME',
    );
  if (!LOOPBACK.test(opts.host))
    log({
      level: 'warn',
      event: 'unauthenticated',
      msg: `serving on ${opts.host} without authentication: anyone who reaches it can run the models`,
      host: opts.host,
    });
  const config = modelConfig(opts);
  // Every flag is checked before anything starts: a bad one leaves nothing running.
  const pollIntervalMs = integer(opts.pollInterval, '--poll-interval', 10);
  const rolloutIntervalMs = integer(opts.rolloutInterval ?? '1000', '--rollout-interval', 10);
  const httpPort = port(opts.port, '--port');
  const grpcPort = opts.grpc === false ? null : port(opts.grpcPort, '--grpc-port');
  const env = hooks.env ?? process.env;
  const storeConfigured = Boolean(env.OSPREY_HOME?.trim() || env.OSPREY_DB?.trim());
  const logPredictions = opts.predictionLog ?? (fromStore || storeConfigured);
  const context = fromStore || logPredictions ? await (hooks.openContext ?? openContext)() : undefined;
  let rollouts: RolloutController | undefined;
  let started: RunningModelServer | undefined;
  let startRollouts: ((service: InferenceService) => Promise<void>) | undefined;
  try {
    let repository: ModelRepository;
    let registryRepository: RegistryModelRepository | undefined;
    if (fromStore && context) {
      const [{ ModelRegistry }, { trackingRunLookup }, { DeploymentService }] = await Promise.all([
        import('../registry/model-registry.js'),
        import('../registry/sources.js'),
        import('../serving/traffic/deployment-service.js'),
      ]);
      const registry = new ModelRegistry(context.store.registry, trackingRunLookup(context.store.tracking));
      const parts: ModelRepository[] = [];
      if (references.length > 0) {
        registryRepository = new RegistryModelRepository(registry, context.artifacts, references, config);
        parts.push(registryRepository);
      }
      if (endpoints.length > 0) {
        const endpointRepository = new EndpointModelRepository(
          context.store.deployments,
          registry,
          context.artifacts,
          endpoints,
          config,
        );
        parts.push(endpointRepository);
        const deployments = new DeploymentService(context.store, registry);
        startRollouts = async (service) => {
          rollouts = new RolloutController(service, endpointRepository, deployments, {
            intervalMs: rolloutIntervalMs,
            labelled: labelledAnswers(context.store),
            events: {
              decided: (endpoint, before, after) =>
                log({
                  level: 'info',
                  event: 'rollout_moved',
                  msg: `  ${endpoint}: ${describeMove(before, after)}`,
                  endpoint,
                  phase: after.phase,
                  champion: after.championVersion,
                  challenger: after.challengerVersion,
                  revision: after.revision,
                }),
              failed: (endpoint, message) =>
                log({
                  level: 'warn',
                  event: 'rollout_check_failed',
                  msg: `  ${endpoint}: rollout check failed: ${message}`,
                  endpoint,
                  error: message,
                }),
            },
          });
          await rollouts.route();
        };
      }
      repository = parts.length === 1 ? parts[0]! : new CombinedModelRepository(parts);
    } else repository = new DirectoryModelRepository(opts.repository!, config);
    const server = await startModelServer({
      runtime: new OnnxRuntime(),
      log,
      repository,
      host: opts.host,
      httpPort,
      grpcPort,
      version: OSPREY_VERSION,
      ...(startRollouts ? { prepare: startRollouts } : {}),
      ...(logPredictions && context
        ? {
            // Written by a worker thread with its own connection, off the event loop (prediction-log/worker-writer.ts).
            predictionLog: {
              module: import.meta.resolve('../store/sql/index.js'),
              exportName: 'openSqlStore',
              args: [context.config.database],
            },
            predictionLogOptions: {
              onWriteError: (error: unknown, rows: number) =>
                log({
                  level: 'error',
                  event: 'prediction_log_dropped',
                  msg: `  prediction log: ${rows} rows dropped, the write failed: ${errorMessage(error)}`,
                  rows,
                  error: errorMessage(error),
                }),
            },
          }
        : {}),
    });
    started = server;
    rollouts?.start();
    const stopWatching = registryRepository
      ? watchAliases(server.service, registryRepository, pollIntervalMs, {
          swapped: (name, from, to) =>
            log({
              level: 'info',
              event: 'model_swapped',
              msg: `  ${name}: alias moved, now serving version ${to} (was ${from ?? 'none'})`,
              model: name,
              from: from ?? null,
              to,
            }),
          failed: (name, message) =>
            log({
              level: 'warn',
              event: 'alias_check_failed',
              msg: `  ${name}: alias check failed, still serving the current version: ${message}`,
              model: name,
              error: message,
            }),
        })
      : async () => {};
    return {
      server,
      async close() {
        await stopWatching();
        await rollouts?.stop();
        await server.close();
        await context?.close();
      },
    };
  } catch (error) {
    await rollouts?.stop();
    await started?.close();
    await context?.close();
    throw error;
  }
}

/** Labelled answers per model version from the prediction log (one aggregate query per round). */
function labelledAnswers(store: MetadataStore): LabelledAnswers {
  return async (endpoint, sinceMs) =>
    new Map(
      (await store.predictions.labelledCounts(endpoint, sinceMs)).map((c) => [
        c.modelVersion,
        { labelled: c.labelled, correct: c.correct },
      ]),
    );
}

/** One line for a rollout decision, as the server's log shows it. */
function describeMove(before: DeploymentRecord, after: DeploymentRecord): string {
  if (after.phase === 'stable' && after.championVersion !== before.championVersion)
    return `version ${after.championVersion} promoted to champion (was ${before.championVersion})`;
  if (after.phase === 'stable' && before.challengerVersion !== null)
    return `version ${before.challengerVersion} rolled back; version ${after.championVersion} stays champion`;
  if (after.phase === 'canary')
    return `canary: version ${after.challengerVersion} now gets ${String(after.state.percent)} % of requests`;
  if (after.phase === 'shadow') return `shadow: version ${after.challengerVersion} mirrors live requests`;
  if (after.phase === 'awaiting_approval')
    return `version ${after.challengerVersion} awaits approval (osprey deployments approve ${after.endpoint})`;
  return `now ${after.phase}, champion ${after.championVersion}`;
}

/** Server-wide defaults from the flags; a model's config file overrides them. */
function modelConfig(opts: ServeOptions): ModelConfig {
  const base = DEFAULT_MODEL_CONFIG;
  const optional = (value: string | undefined, flag: string, min: number, fallback: number) =>
    value === undefined ? fallback : integer(value, flag, min);
  return {
    ...base,
    batching: {
      ...base.batching,
      maxBatchSize: optional(opts.maxBatchSize, '--max-batch-size', 0, base.batching.maxBatchSize),
      maxQueueDelayUs: optional(opts.maxQueueDelayUs, '--max-queue-delay-us', 0, base.batching.maxQueueDelayUs),
      maxQueueSize: optional(opts.maxQueueSize, '--max-queue-size', 1, base.batching.maxQueueSize),
    },
    instanceCount: optional(opts.instances, '--instances', 1, base.instanceCount),
    inferenceThread: inferenceThread(opts.inferenceThread),
    logging:
      opts.logSampleRate === undefined
        ? base.logging
        : { ...base.logging, sampleRate: rate(opts.logSampleRate, '--log-sample-rate') },
    intraOpThreads: optional(opts.intraOpThreads, '--intra-op-threads', 1, base.intraOpThreads),
  };
}

function integer(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
    throw invalidArgument(`${flag} ${value}: expected an integer of at least ${min}`);
  return n;
}

function inferenceThread(value: string | undefined): InferenceThread {
  if (value === undefined) return DEFAULT_MODEL_CONFIG.inferenceThread;
  if (value === 'auto' || value === 'main' || value === 'worker') return value;
  throw invalidArgument(`--inference-thread ${value}: expected main, worker or auto`);
}

function rate(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1))
    throw invalidArgument(`${flag} ${value}: expected a number from 0 to 1`);
  return n;
}

function port(value: string, flag: string): number {
  const n = integer(value, flag, 0);
  if (n > 65535) throw invalidArgument(`${flag} ${value} is not a port number`);
  return n;
}
