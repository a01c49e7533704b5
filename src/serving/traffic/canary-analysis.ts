/** What each side did during one canary step (or a shadow period). */
export interface VariantStats {
  requests: number;
  errors: number;
  latencyP99Ms: number;
  /** Accuracy on the requests whose labels have arrived, with how many; null when none have. */
  accuracy: number | null;
  labelled: number;
}

export interface AnalysisPolicy {
  /** Requests the challenger must have served in a step before it is judged (default 100). */
  minRequests: number;
  /** Largest allowed challenger error rate minus champion error rate (default 0.01). */
  maxErrorRateIncrease: number;
  /** Largest allowed challenger p99 latency over the champion's (default 1.5)… */
  maxLatencyRatio: number;
  /**
   * …unless it is within this many milliseconds of the champion's (default 10): at sub-millisecond latencies one
   * garbage collection decides a ratio, so a small absolute difference always passes.
   */
  latencySlackMs: number;
  /** Shadow: smallest allowed agreement with the champion (default 0.8). */
  minAgreement: number;
  /** Largest allowed accuracy drop where labels exist, with at least `minLabelled` labels (defaults 0.02, 50). */
  maxAccuracyDrop: number;
  minLabelled: number;
}

export const DEFAULT_ANALYSIS: AnalysisPolicy = {
  minRequests: 100,
  maxErrorRateIncrease: 0.01,
  maxLatencyRatio: 1.5,
  latencySlackMs: 10,
  minAgreement: 0.8,
  maxAccuracyDrop: 0.02,
  minLabelled: 50,
};

export type Verdict = 'wait' | 'pass' | 'fail';

/** Successful answers each side needs before its p99 latency is compared. */
export const MIN_LATENCY_SAMPLES = 100;

const answered = (s: VariantStats) => s.requests - s.errors;

export interface Analysis {
  verdict: Verdict;
  /** Each check with its numbers, as recorded in the decision's evidence. */
  checks: { check: string; value: number | null; limit: number; passed: boolean | null }[];
}

/**
 * Judges a challenger against the champion over the same period, as Argo Rollouts' and Flagger's analyses do:
 * `wait` until it has served `minRequests`, then `fail` when any check fails (error rate, p99 latency, agreement
 * in shadow, accuracy where labels exist), else `pass`. A check without data does not decide: no labels yet, fewer
 * than MIN_LATENCY_SAMPLES answers for a p99, latency in shadow.
 */
export function analyse(
  champion: VariantStats,
  challenger: VariantStats,
  policy: AnalysisPolicy = DEFAULT_ANALYSIS,
  agreement: number | null = null,
): Analysis {
  const rate = (s: VariantStats) => (s.requests === 0 ? 0 : s.errors / s.requests);
  // A p99 needs 100 answers on each side (of fewer it is the slowest one), and only a canary's challenger answers
  // callers: a shadow call waits behind the champion's on the same server, so its latency is recorded, not judged.
  const latencyJudged = agreement === null && Math.min(answered(champion), answered(challenger)) >= MIN_LATENCY_SAMPLES;
  const checks: Analysis['checks'] = [
    {
      check: 'error rate increase',
      value: rate(challenger) - rate(champion),
      limit: policy.maxErrorRateIncrease,
      passed: rate(challenger) - rate(champion) <= policy.maxErrorRateIncrease,
    },
    {
      check: 'p99 latency ratio',
      value: champion.latencyP99Ms > 0 ? challenger.latencyP99Ms / champion.latencyP99Ms : null,
      limit: policy.maxLatencyRatio,
      passed: !latencyJudged
        ? null
        : challenger.latencyP99Ms - champion.latencyP99Ms <= policy.latencySlackMs ||
          challenger.latencyP99Ms <= champion.latencyP99Ms * policy.maxLatencyRatio,
    },
  ];
  if (agreement !== null)
    checks.push({
      check: 'agreement with champion',
      value: agreement,
      limit: policy.minAgreement,
      passed: agreement >= policy.minAgreement,
    });
  const labelled =
    champion.accuracy !== null &&
    challenger.accuracy !== null &&
    Math.min(champion.labelled, challenger.labelled) >= policy.minLabelled;
  checks.push({
    check: 'accuracy drop',
    value: labelled ? champion.accuracy! - challenger.accuracy! : null,
    limit: policy.maxAccuracyDrop,
    passed: labelled ? champion.accuracy! - challenger.accuracy! <= policy.maxAccuracyDrop : null,
  });
  if (challenger.requests < policy.minRequests) return { verdict: 'wait', checks };
  return { verdict: checks.some((c) => c.passed === false) ? 'fail' : 'pass', checks };
}

/** The rollout's next move after a step's analysis: the next share, promotion after the last step, or rollback. */
export function nextMove(
  steps: readonly number[],
  step: number,
  verdict: Verdict,
):
  | { action: 'wait' }
  | { action: 'advance'; step: number; percent: number }
  | { action: 'promote' }
  | { action: 'rollback' } {
  if (verdict === 'wait') return { action: 'wait' };
  if (verdict === 'fail') return { action: 'rollback' };
  const next = step + 1;
  if (next >= steps.length || steps[step]! >= 100) return { action: 'promote' };
  return { action: 'advance', step: next, percent: steps[next]! };
}
