import type { JsonObject, JsonValue } from './metadata-store.js';

/**
 * Pipeline runs as the durable orchestrator records them: one run, its tasks (by path: `prepare`,
 * `grid[2]/train`, `fast/prepare`), each task's attempts, and the cache of component outputs by cache key.
 * The orchestrator's state machine lives here, so a killed orchestrator can resume from what is recorded.
 *
 * Contract:
 * - Every method is one transaction; records returned are snapshots.
 * - A task is identified by (runId, path); `ensureTask` creates it once and then returns the same record.
 * - Attempts of a task are numbered 1, 2, 3… without gaps, also across orchestrator restarts.
 * - The cache keeps the first outputs recorded for a key (equal keys mean equal code and inputs).
 */
export const PIPELINE_STATUSES = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'skipped',
  'cached',
] as const;
export type PipelineStatus = (typeof PIPELINE_STATUSES)[number];
/** Statuses after which a run or task never changes again (except by an explicit resume). */
export const FINISHED_STATUSES: readonly PipelineStatus[] = ['succeeded', 'failed', 'cancelled', 'skipped', 'cached'];

export type PipelineRunner = 'process' | 'container';

export type PipelineTaskKind = 'component' | 'condition' | 'loop' | 'pipeline';

export interface NewPipelineRun {
  id: string;
  pipelineName: string;
  /** `specDigest(spec)`: the pipeline's code version. */
  specDigest: string;
  /** The whole spec, so a run can resume without the source that compiled it. */
  spec: JsonObject;
  params: JsonObject;
  /** The directory component modules are resolved from. */
  baseDir: string;
  /** Runtime version, lockfile digest, platform… of the orchestrating machine. */
  environment: JsonObject;
  /** The run's seed; each step gets one derived from it and its task path (default 0). */
  seed?: number;
  /** False: every step executes even when the cache holds its outputs (a reproduction). Default true. */
  useCache?: boolean;
  /** The run this one reproduces, or null. */
  reproducesRunId?: string | null;
  /** Where steps execute: local processes (default) or containers of their declared images. */
  runner?: PipelineRunner;
}

export interface PipelineRunRecord extends NewPipelineRun {
  seed: number;
  useCache: boolean;
  reproducesRunId: string | null;
  runner: PipelineRunner;
  status: PipelineStatus;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  /** Why the run failed (names the failed tasks), or null. */
  error: string | null;
}

export interface PipelineTaskRecord {
  id: string;
  runId: string;
  path: string;
  kind: PipelineTaskKind;
  status: PipelineStatus;
  /** Output values by name (artifacts as references holding their content digest); null until known. */
  outputs: JsonObject | null;
  cacheKey: string | null;
  /** For a cache hit: the run whose task produced the outputs. */
  cachedFromRunId: string | null;
  error: string | null;
  startedAt: number | null;
  endedAt: number | null;
}

export interface PipelineAttemptRecord {
  id: string;
  taskId: string;
  number: number;
  status: PipelineStatus;
  /** The step's stdout and stderr, captured to this file. */
  logPath: string;
  /** The image the step was declared to run in (the process runner records it, and runs locally). */
  image: string | null;
  exitCode: number | null;
  signal: string | null;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  error: string | null;
}

export interface CacheEntry {
  cacheKey: string;
  outputs: JsonObject;
  runId: string;
  taskPath: string;
  createdAt: number;
}

export interface TaskUpdate {
  status: PipelineStatus;
  outputs?: JsonObject;
  cacheKey?: string | null;
  cachedFromRunId?: string | null;
  error?: string | null;
}

export interface AttemptEnd {
  status: 'succeeded' | 'failed' | 'cancelled';
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  error: string | null;
}

export interface PipelineRunRepository {
  createRun(input: NewPipelineRun): Promise<PipelineRunRecord>;
  getRun(id: string): Promise<PipelineRunRecord | undefined>;
  /** Runs newest first. */
  listRuns(options?: { limit?: number }): Promise<PipelineRunRecord[]>;
  /** Sets the status; `running` sets startedAt once, a finished status sets endedAt. NOT_FOUND for an unknown run. */
  setRunStatus(id: string, status: PipelineStatus, error?: string | null): Promise<PipelineRunRecord>;

  /** The task at `path` in the run, created `pending` when it is not recorded yet. */
  ensureTask(runId: string, path: string, kind: PipelineTaskKind): Promise<PipelineTaskRecord>;
  /** Updates a task (startedAt set on first `running`, endedAt on a finished status). NOT_FOUND when unknown. */
  updateTask(taskId: string, update: TaskUpdate): Promise<PipelineTaskRecord>;
  /** The run's tasks in creation order. */
  listTasks(runId: string): Promise<PipelineTaskRecord[]>;

  /** Records a new running attempt numbered after the task's last one, and marks the task running. */
  startAttempt(taskId: string, input: { logPath: string; image: string | null }): Promise<PipelineAttemptRecord>;
  finishAttempt(attemptId: string, end: AttemptEnd): Promise<PipelineAttemptRecord>;
  /**
   * Marks every attempt of the run still `running` as failed with `reason` (the orchestrator that ran them is
   * gone) and returns how many there were.
   */
  abandonRunningAttempts(runId: string, reason: string): Promise<number>;
  /** Attempts of one task, by number. */
  listAttempts(taskId: string): Promise<PipelineAttemptRecord[]>;

  getCacheEntry(cacheKey: string): Promise<CacheEntry | undefined>;
  /** Records outputs for a key unless the key is already recorded; returns the entry that is kept. */
  putCacheEntry(entry: Omit<CacheEntry, 'createdAt'>): Promise<CacheEntry>;
}

export type { JsonValue };
