import { canonicalJson } from '../../core/hashing.js';
import type { JsonObject, MetadataStore } from '../../store/metadata-store.js';
import type { PipelineTaskRecord } from '../../store/pipelines.js';
import type { JsonValue } from '../spec/types.js';
import { asArtifact } from './values.js';

export interface Difference {
  kind: 'output' | 'metric';
  name: string;
  /** Artifacts as `sha256:<digest>`, parameters and metrics as JSON; null when absent on that side. */
  original: string | null;
  reproduced: string | null;
}

export interface StepComparison {
  task: string;
  /** `identical`: every output digest and metric equal; `diverged`: some differ; `failed`/`missing`: no result. */
  verdict: 'identical' | 'diverged' | 'failed' | 'missing';
  differences: Difference[];
  /** Why the reproduced step has no result (its error), or null. */
  error: string | null;
}

export interface ReproductionReport {
  originalRunId: string;
  runId: string;
  reproducible: boolean;
  /** The first step, in the order the original ran them, whose result differs; null when none. */
  firstDivergence: string | null;
  steps: StepComparison[];
  /** Environment entries (runtime version, lockfile digest…) that differ between the two runs. */
  environment: { key: string; original: string | null; reproduced: string | null }[];
}

/**
 * Compares a reproduction with the run it reproduces, step by step: each component step that produced a result in
 * the original must produce outputs with the same content digests (parameters: the same JSON) and the same
 * metrics, bit for bit.
 */
export async function compareRuns(
  store: MetadataStore,
  originalRunId: string,
  runId: string,
): Promise<ReproductionReport> {
  const [original, reproduced] = await Promise.all([
    store.pipelines.getRun(originalRunId),
    store.pipelines.getRun(runId),
  ]);
  const [before, after] = await Promise.all([
    store.pipelines.listTasks(originalRunId),
    store.pipelines.listTasks(runId),
  ]);
  const redone = new Map(after.map((t) => [t.path, t]));
  const steps: StepComparison[] = [];
  for (const task of before) {
    if (task.kind !== 'component' || (task.status !== 'succeeded' && task.status !== 'cached')) continue;
    const again = redone.get(task.path);
    if (again?.status !== 'succeeded') {
      steps.push({
        task: task.path,
        verdict: again ? 'failed' : 'missing',
        differences: [],
        error: again?.error ?? (again ? `it ended ${again.status}` : 'the reproduction did not run it'),
      });
      continue;
    }
    const differences = [
      ...diff('output', describeOutputs(task.outputs), describeOutputs(again.outputs)),
      ...diff('metric', await metricsOf(store, task), await metricsOf(store, again)),
    ];
    steps.push({ task: task.path, verdict: differences.length ? 'diverged' : 'identical', differences, error: null });
  }
  const first = steps.find((s) => s.verdict !== 'identical');
  return {
    originalRunId,
    runId,
    reproducible: first === undefined && reproduced?.status === 'succeeded',
    firstDivergence: first?.task ?? null,
    steps,
    environment: diff('output', describeObject(original?.environment), describeObject(reproduced?.environment)).map(
      (d) => ({ key: d.name, original: d.original, reproduced: d.reproduced }),
    ),
  };
}

function diff(kind: Difference['kind'], a: Map<string, string>, b: Map<string, string>): Difference[] {
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  return names
    .filter((name) => a.get(name) !== b.get(name))
    .map((name) => ({ kind, name, original: a.get(name) ?? null, reproduced: b.get(name) ?? null }));
}

function describeOutputs(outputs: JsonObject | null): Map<string, string> {
  return new Map(
    Object.entries(outputs ?? {}).map(([name, value]) => [name, describeValue(value as JsonValue)] as const),
  );
}

/** An output as compared: an artifact by its content digest (lists element-wise), a parameter as canonical JSON. */
function describeValue(value: JsonValue): string {
  const ref = asArtifact(value);
  if (ref) return `sha256:${ref.digest}`;
  if (Array.isArray(value) && value.some((v) => asArtifact(v))) return `[${value.map(describeValue).join(',')}]`;
  return canonicalJson(value);
}

function describeObject(object: JsonObject | undefined): Map<string, string> {
  return new Map(Object.entries(object ?? {}).map(([k, v]) => [k, canonicalJson(v as JsonValue)] as const));
}

/** A step's metrics (latest value per key) from its tracking run, which has the task's id. */
async function metricsOf(store: MetadataStore, task: PipelineTaskRecord): Promise<Map<string, string>> {
  const run = await store.tracking.getRun(task.id);
  return new Map((run?.metrics ?? []).map((m) => [`${m.key}@${m.step}`, String(m.value)] as const));
}
