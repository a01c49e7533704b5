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
 * intra_op_threads: 1
 * inter_op_threads: 1
 * allow_non_finite: false       # accept NaN / ±Infinity in float inputs
 * version_policy: { latest: 1 } # or { all: true } or { specific: [1, 3] }
 * ```
 *
 * Keys left out take the server's defaults (the `osprey serve` flags); unknown keys are refused, naming the file.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { errorMessage, invalidArgument } from '../core/errors.js';
import { type BatchingConfig, checkBatchingConfig, DEFAULT_BATCHING } from './batcher/batching-config.js';

/** Which versions of a model are served: the N highest numbers, all, or the ones listed. */
export type VersionPolicy =
  | { readonly kind: 'latest'; readonly count: number }
  | { readonly kind: 'all' }
  | { readonly kind: 'specific'; readonly versions: readonly number[] };

export interface ModelConfig {
  readonly batching: BatchingConfig;
  readonly instanceCount: number;
  readonly intraOpThreads: number;
  readonly interOpThreads: number;
  readonly allowNonFinite: boolean;
  readonly versionPolicy: VersionPolicy;
}

/**
 * Server defaults. One intra-op thread per session: the server's parallelism comes from batching and instances,
 * and ONNX Runtime's spinning thread pool would compete with the event loop for the cores.
 */
export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  batching: DEFAULT_BATCHING,
  instanceCount: 1,
  intraOpThreads: 1,
  interOpThreads: 1,
  allowNonFinite: false,
  versionPolicy: { kind: 'latest', count: 1 },
};

export const CONFIG_FILE_NAMES = ['config.json', 'config.yaml', 'config.yml'] as const;

const count = (max: number) => z.number().int().min(0).max(max);
const fileSchema = z
  .object({
    max_batch_size: count(1 << 20),
    preferred_batch_sizes: z.array(count(1 << 20)),
    max_queue_delay_us: count(60_000_000),
    max_queue_size: count(1 << 24),
    default_timeout_us: count(3_600_000_000),
    instance_count: z.number().int().min(1).max(64),
    intra_op_threads: z.number().int().min(1).max(1024),
    inter_op_threads: z.number().int().min(1).max(1024),
    allow_non_finite: z.boolean(),
    version_policy: z.union([
      z.strictObject({ latest: z.number().int().min(1) }),
      z.strictObject({ all: z.literal(true) }),
      z.strictObject({ specific: z.array(z.number().int().min(1)).min(1) }),
    ]),
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
    intraOpThreads: file.intra_op_threads ?? base.intraOpThreads,
    interOpThreads: file.inter_op_threads ?? base.interOpThreads,
    allowNonFinite: file.allow_non_finite ?? base.allowNonFinite,
    versionPolicy: file.version_policy === undefined ? base.versionPolicy : toPolicy(file.version_policy),
  };
}

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
