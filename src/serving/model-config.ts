/**
 * A served model's configuration: batching (batcher/batching-config.ts), instances, session threads, the
 * version policy and the NaN policy. In a model repository it is the optional file `config.json`,
 * `config.yaml` or `config.yml` beside the version directories, with snake_case keys:
 *
 * ```yaml
 * max_batch_size: 64            # 0: no batching, each request runs alone as sent
 * preferred_batch_sizes: [16, 32]
 * max_queue_delay_us: 100
 * max_queue_size: 1024          # beyond: refused at once (HTTP 503 + Retry-After, gRPC RESOURCE_EXHAUSTED)
 * default_timeout_us: 0         # queue timeout when a request sets no `timeout` parameter; 0: none
 * instance_count: 1             # sessions running batches in parallel
 * inference_thread: auto        # main | worker | auto: where each instance computes; auto = worker threads
 *                               # when instance_count > 1, the event loop's thread for a single instance
 * intra_op_threads: 1
 * inter_op_threads: 1
 * allow_non_finite: false       # accept NaN / ±Infinity in float inputs
 * warm_up: true                 # one inference on zeros (variable dimensions 1) before serving; false for a
 *                               # model that cannot run on such inputs (it then warms on its first requests)
 * version_policy: { latest: 1 } # or { all: true } or { specific: [1, 3] }
 * logging:                      # the prediction log (when the server has a metadata store); false: off
 *   deployment: churn           # default: the model name
 *   feature_names: [age, income] # the columns of a 2-D input; default: <input>_<column>, e.g. features_0
 *   sample_rate: 1              # share of requests logged, 0..1
 *   label_output: label         # default: the first non-float output
 *   scores_output: probabilities # default: the first float output
 * ```
 *
 * Keys left out take the server's defaults (the `osprey serve` flags); unknown keys are refused, naming the file.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { errorMessage, invalidArgument } from '../core/errors.js';
import { type BatchingConfig, checkBatchingConfig, DEFAULT_BATCHING } from './batcher/batching-config.js';

/**
 * Whether each instance runs on a worker thread. `auto`: only with several instances — measured on this 2-core
 * machine, the hop to a worker costs a single instance more than it gains for small models (bench/serving.ts),
 * while several instances on the event loop's thread cannot compute in parallel at all.
 */
export const ownThreadFor = (config: Pick<ModelConfig, 'inferenceThread' | 'instanceCount'>): boolean =>
  config.inferenceThread === 'worker' || (config.inferenceThread === 'auto' && config.instanceCount > 1);

/** Which versions of a model are served: the N highest numbers, all, or the ones listed. */
export type VersionPolicy =
  | { readonly kind: 'latest'; readonly count: number }
  | { readonly kind: 'all' }
  | { readonly kind: 'specific'; readonly versions: readonly number[] };

/** What the prediction log records for a model (prediction-log/log-plan.ts applies it to the signature). */
export interface LoggingConfig {
  readonly enabled: boolean;
  /** The deployment the records belong to; the model name when unset. */
  readonly deployment?: string;
  /** Names of the columns of the (first) 2-D input. */
  readonly featureNames?: readonly string[];
  /** Share of requests logged, from 0 to 1. */
  readonly sampleRate: number;
  readonly labelOutput?: string;
  readonly scoresOutput?: string;
}

export const DEFAULT_LOGGING: LoggingConfig = { enabled: true, sampleRate: 1 };

/** Where a model's instances compute (see `ownThreadFor`). */
export type InferenceThread = 'auto' | 'main' | 'worker';

export interface ModelConfig {
  readonly batching: BatchingConfig;
  readonly instanceCount: number;
  readonly inferenceThread: InferenceThread;
  readonly intraOpThreads: number;
  readonly interOpThreads: number;
  readonly allowNonFinite: boolean;
  /** Run a warm-up inference before a version is served (readiness waits for it). */
  readonly warmUp: boolean;
  readonly versionPolicy: VersionPolicy;
  readonly logging: LoggingConfig;
}

/**
 * Server defaults. One intra-op thread per session: the server's parallelism comes from batching and instances,
 * and ONNX Runtime's spinning thread pool would compete with the event loop for the cores.
 */
export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  batching: DEFAULT_BATCHING,
  instanceCount: 1,
  inferenceThread: 'auto',
  intraOpThreads: 1,
  interOpThreads: 1,
  allowNonFinite: false,
  warmUp: true,
  versionPolicy: { kind: 'latest', count: 1 },
  logging: DEFAULT_LOGGING,
};

export const CONFIG_FILE_NAMES = ['config.json', 'config.yaml', 'config.yml'] as const;

const count = (max: number) => z.number().int().min(0).max(max);
const tensorName = z.string().min(1).max(256);
const loggingSchema = z.union([
  z.literal(false),
  z
    .object({
      deployment: z.string().min(1).max(256),
      feature_names: z.array(tensorName).min(1),
      sample_rate: z.number().min(0).max(1),
      label_output: tensorName,
      scores_output: tensorName,
    })
    .partial()
    .strict(),
]);
const fileSchema = z
  .object({
    max_batch_size: count(1 << 20),
    preferred_batch_sizes: z.array(count(1 << 20)),
    max_queue_delay_us: count(60_000_000),
    max_queue_size: count(1 << 24),
    default_timeout_us: count(3_600_000_000),
    instance_count: z.number().int().min(1).max(64),
    inference_thread: z.enum(['auto', 'main', 'worker']),
    intra_op_threads: z.number().int().min(1).max(1024),
    inter_op_threads: z.number().int().min(1).max(1024),
    allow_non_finite: z.boolean(),
    warm_up: z.boolean(),
    version_policy: z.union([
      z.strictObject({ latest: z.number().int().min(1) }),
      z.strictObject({ all: z.literal(true) }),
      z.strictObject({ specific: z.array(z.number().int().min(1)).min(1) }),
    ]),
    logging: loggingSchema,
  })
  .partial()
  .strict();

export type ModelConfigFile = z.infer<typeof fileSchema>;

/** Applies a config file's keys (already parsed) over `base`; `where` names the file in messages. */
export function applyConfigFile(base: ModelConfig, raw: unknown, where: string): ModelConfig {
  const parsed = fileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.') || '(top level)';
    throw invalidArgument(`${where}: ${path}: ${issue.message}`, { file: where, key: path });
  }
  const file = parsed.data;
  const batching = checkBatchingConfig(
    {
      maxBatchSize: file.max_batch_size ?? base.batching.maxBatchSize,
      preferredBatchSizes: file.preferred_batch_sizes ?? base.batching.preferredBatchSizes,
      maxQueueDelayUs: file.max_queue_delay_us ?? base.batching.maxQueueDelayUs,
      maxQueueSize: file.max_queue_size ?? base.batching.maxQueueSize,
      defaultTimeoutUs: file.default_timeout_us ?? base.batching.defaultTimeoutUs,
    },
    where,
  );
  return {
    batching,
    instanceCount: file.instance_count ?? base.instanceCount,
    inferenceThread: file.inference_thread ?? base.inferenceThread,
    intraOpThreads: file.intra_op_threads ?? base.intraOpThreads,
    interOpThreads: file.inter_op_threads ?? base.interOpThreads,
    allowNonFinite: file.allow_non_finite ?? base.allowNonFinite,
    warmUp: file.warm_up ?? base.warmUp,
    versionPolicy: file.version_policy === undefined ? base.versionPolicy : toPolicy(file.version_policy),
    logging: file.logging === undefined ? base.logging : toLogging(base.logging, file.logging, where),
  };
}

function toLogging(
  base: LoggingConfig,
  logging: NonNullable<ModelConfigFile['logging']>,
  where: string,
): LoggingConfig {
  if (logging === false) return { ...base, enabled: false };
  const names = logging.feature_names;
  if (names !== undefined && new Set(names).size !== names.length)
    throw invalidArgument(`${where}: logging.feature_names: a name is given twice`, {
      file: where,
      key: 'logging.feature_names',
    });
  return {
    enabled: true,
    sampleRate: logging.sample_rate ?? base.sampleRate,
    ...optional('deployment', logging.deployment ?? base.deployment),
    ...optional('featureNames', names ?? base.featureNames),
    ...optional('labelOutput', logging.label_output ?? base.labelOutput),
    ...optional('scoresOutput', logging.scores_output ?? base.scoresOutput),
  };
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

function toPolicy(policy: NonNullable<ModelConfigFile['version_policy']>): VersionPolicy {
  if ('latest' in policy) return { kind: 'latest', count: policy.latest };
  if ('all' in policy) return { kind: 'all' };
  return { kind: 'specific', versions: policy.specific };
}

/** Reads a config file (JSON, or YAML by extension) and applies it over `base`. */
export async function readConfigFile(base: ModelConfig, path: string): Promise<ModelConfig> {
  const text = await readFile(path, 'utf8');
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw invalidArgument(`${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${errorMessage(cause)}`, {
      file: path,
    });
  }
  return applyConfigFile(base, raw, path);
}

/** The versions a policy selects among the available version numbers, highest first. */
export function selectVersions(policy: VersionPolicy, available: readonly number[]): number[] {
  const sorted = [...available].sort((a, b) => b - a);
  switch (policy.kind) {
    case 'latest':
      return sorted.slice(0, policy.count);
    case 'all':
      return sorted;
    case 'specific':
      return sorted.filter((v) => policy.versions.includes(v));
  }
}
