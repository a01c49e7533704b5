import { readFile, writeFile } from 'node:fs/promises';
import type { InputArtifact, OutputArtifact } from '../dsl/index.js';
import { Artifact, component, Metrics } from '../dsl/index.js';
import type { JsonValue } from '../spec/types.js';
import { evaluateGate, type MetricValues, parseGatePolicy, parseMetrics } from './gate-policy.js';

export type { Bounds, Direction, GateCheck, GatePolicy, GateReport } from './gate-policy.js';

/**
 * Where an evaluation step records the digest of the holdout its Metrics were computed on
 * (`ctx.outputs.metrics.metadata[HOLDOUT_METADATA] = holdout.digest`): the gate then refuses to compare a candidate
 * and a champion evaluated on different data.
 */
export const HOLDOUT_METADATA = 'osprey.holdout';

// Not cached: judging two small JSON files is cheap, and the gate's logic lives in helpers (gate-policy.ts) that
// the component's code digest does not cover — a fixed rule must never be bypassed by an old cached decision.
const OUTPUTS = { passed: 'boolean', report: Artifact, summary: 'string' } as const;
const CANDIDATE = { type: Metrics, description: "The candidate's metrics on the holdout." } as const;
const POLICY = {
  type: 'json',
  description: 'The GatePolicy: thresholds, noWorseThanChampion, requireChampion.',
} as const;

/**
 * The built-in deployment gate, for a model with no champion to compare with (a first model). Judges the
 * candidate's Metrics (a JSON object of numbers) against a policy (see `GatePolicy`): metric thresholds; the
 * policy's `noWorseThanChampion` checks are skipped (reported as such), unless it sets `requireChampion`, which
 * fails the gate. `championGate` is the same gate given the champion's Metrics on the same holdout.
 *
 * It does not fail the run when the candidate falls short: `passed` says whether every check passed, so the pipeline
 * registers or promotes only under `when(gate.outputs.passed.eq(true), ...)`; `report` is JSON
 * (`osprey.gate-report/v1`) with each check's metric, candidate value, threshold or champion value, status and
 * reason; `summary` is one line. An invalid policy or a malformed Metrics artifact fails the step with an error
 * naming what is wrong. Pass the report to the registering step and record it on the model version with
 * `gateTags(report, digest)`.
 *
 * (Two components rather than one with an optional input: an artifact input cannot be optional, and a list of
 * Metrics — the other way to say "zero or one" — cannot be passed by the Argo target.)
 */
export const gate = component(
  {
    name: 'gate',
    description: "Deployment gate: checks a candidate's metrics against the policy's thresholds.",
    inputs: { candidate: CANDIDATE, policy: POLICY },
    outputs: OUTPUTS,
  },
  async ({ candidate, policy }, ctx) => runGate(candidate, null, policy, ctx.outputs.report),
);

/**
 * The deployment gate with a champion: as `gate`, and the policy's `noWorseThanChampion` checks compare the
 * candidate with the champion's Metrics, both computed on the same holdout. When both Metrics carry the digest of
 * their holdout (`HOLDOUT_METADATA`) and the digests differ, the comparison fails: they are not comparable.
 */
export const championGate = component(
  {
    name: 'champion-gate',
    description: "Deployment gate: checks a candidate's metrics against thresholds and the champion's, per policy.",
    inputs: {
      candidate: CANDIDATE,
      champion: { type: Metrics, description: "The champion's metrics on the same holdout." },
      policy: POLICY,
    },
    outputs: OUTPUTS,
  },
  async ({ candidate, champion, policy }, ctx) => runGate(candidate, champion, policy, ctx.outputs.report),
);

/** Judges the metrics, writes the report artifact, logs each check and returns the parameter outputs. */
async function runGate(
  candidate: InputArtifact<'Metrics'>,
  champion: InputArtifact<'Metrics'> | null,
  given: JsonValue,
  out: OutputArtifact<'Artifact'>,
): Promise<{ passed: boolean; summary: string }> {
  const policy = parseGatePolicy(given);
  const read = async (path: string, what: string): Promise<MetricValues> =>
    parseMetrics(await readFile(path, 'utf8'), what);
  const holdout = (metadata: Readonly<Record<string, unknown>>) => {
    const value = metadata[HOLDOUT_METADATA];
    return typeof value === 'string' ? value : null;
  };
  const report = evaluateGate(
    policy,
    await read(candidate.path, 'the candidate'),
    champion ? await read(champion.path, "the champion's") : null,
    { candidate: holdout(candidate.metadata), champion: champion ? holdout(champion.metadata) : null },
  );
  await writeFile(out.path, `${JSON.stringify(report, null, 2)}\n`);
  out.metadata.kind = report.kind;
  out.metadata.passed = report.passed;
  for (const check of report.checks) console.log(`${check.status.padEnd(7)} ${check.id}: ${check.reason}`);
  console.log(`gate ${report.summary}`);
  return { passed: report.passed, summary: report.summary };
}
