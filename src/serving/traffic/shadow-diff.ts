/** One request answered by both: the champion's and the challenger's label, scores and latency. */
export interface ShadowPair {
  champion: { label: string; scores: readonly number[] | null; latencyMs: number };
  challenger: { label: string; scores: readonly number[] | null; latencyMs: number };
}

export interface ShadowDiff {
  pairs: number;
  /** Share of requests where both gave the same label. */
  agreement: number;
  /** Mean over requests of the mean absolute difference of the score vectors (null when none had scores). */
  meanAbsScoreDiff: number | null;
  /** disagreements[championLabel][challengerLabel] = count, only where they differ. */
  disagreements: Record<string, Record<string, number>>;
  latencyP50Ms: { champion: number; challenger: number };
  latencyP99Ms: { champion: number; challenger: number };
}

/** Compares what champion and challenger answered to the same requests (the shadow deployment's evidence). */
export function shadowDiff(pairs: readonly ShadowPair[]): ShadowDiff {
  let agree = 0;
  let scoreDiffSum = 0;
  let scored = 0;
  const disagreements: Record<string, Record<string, number>> = {};
  for (const { champion, challenger } of pairs) {
    if (champion.label === challenger.label) agree++;
    else {
      const row = disagreements[champion.label] ?? {};
      row[challenger.label] = (row[challenger.label] ?? 0) + 1;
      disagreements[champion.label] = row;
    }
    if (champion.scores && challenger.scores && champion.scores.length === challenger.scores.length) {
      let sum = 0;
      for (let i = 0; i < champion.scores.length; i++) sum += Math.abs(champion.scores[i]! - challenger.scores[i]!);
      scoreDiffSum += champion.scores.length > 0 ? sum / champion.scores.length : 0;
      scored++;
    }
  }
  const latencies = (side: 'champion' | 'challenger') => pairs.map((p) => p[side].latencyMs);
  return {
    pairs: pairs.length,
    agreement: pairs.length === 0 ? 1 : agree / pairs.length,
    meanAbsScoreDiff: scored === 0 ? null : scoreDiffSum / scored,
    disagreements,
    latencyP50Ms: {
      champion: quantile(latencies('champion'), 0.5),
      challenger: quantile(latencies('challenger'), 0.5),
    },
    latencyP99Ms: {
      champion: quantile(latencies('champion'), 0.99),
      challenger: quantile(latencies('challenger'), 0.99),
    },
  };
}

/** The `q` quantile by the nearest-rank method (0 for no values). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
