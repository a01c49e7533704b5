import { invalidArgument } from '../../core/errors.js';
import { checkFinite, checkProbabilities, checkSameLength, compensatedSum } from './validate.js';

/**
 * Confidence-based performance estimation (CBPE) for a binary classifier, as NannyML's
 * `nannyml/performance_estimation/confidence_based/metrics.py` defines its estimators: while labels are not yet in,
 * a *calibrated* probability p_i = P(y_i = 1 | x_i) says how much of each prediction is expected to be right.
 * With ŷ_i the predicted class (by default p_i ≥ threshold):
 *
 *   TP = Σ_{ŷ=1} p_i,   FP = Σ_{ŷ=1} (1 − p_i),   FN = Σ_{ŷ=0} p_i,   TN = Σ_{ŷ=0} (1 − p_i)
 *
 * accuracy = (TP + TN)/n (with threshold 0.5 this is the mean of max(p, 1 − p)), precision = TP/(TP + FP),
 * recall = TP/(TP + FN), F1 = TP/(TP + ½(FP + FN)) — each 0 where its denominator is 0, as NannyML.
 *
 * Calibration is the caller's: NannyML fits an isotonic calibrator on reference data first; pass probabilities that
 * are already calibrated (see README). The estimates are only as good as that calibration, and assume no concept
 * drift (P(y | x) unchanged) — CBPE sees covariate shift only.
 */
export interface CbpeInput {
  /** Calibrated probabilities of the positive class. */
  proba: ArrayLike<number>;
  /** The predicted classes (0/1). Default: proba ≥ threshold. */
  predictions?: ArrayLike<0 | 1 | boolean>;
  /** Threshold for the default predictions (default 0.5). */
  threshold?: number;
  /** The model's raw scores, which order the rows for ROC-AUC (NannyML's uncalibrated `y_pred_proba`). Default: proba. */
  scores?: ArrayLike<number>;
}

/** Expected confusion matrix (fractional counts). */
export interface ExpectedConfusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface CbpeEstimate {
  n: number;
  confusion: ExpectedConfusion;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** null when every p is 0 or every p is 1 (an expected ROC curve has no positives or no negatives). */
  rocAuc: number | null;
}

/** The expected confusion matrix of the definitions above. */
export function expectedConfusion(input: CbpeInput): ExpectedConfusion {
  const { proba, predicted } = checked(input);
  const tp: number[] = [];
  const fp: number[] = [];
  const fn: number[] = [];
  const tn: number[] = [];
  for (let i = 0; i < proba.length; i++) {
    const p = proba[i]!;
    if (predicted[i] === 1) {
      tp.push(p);
      fp.push(1 - p);
    } else {
      fn.push(p);
      tn.push(1 - p);
    }
  }
  return { tp: compensatedSum(tp), fp: compensatedSum(fp), fn: compensatedSum(fn), tn: compensatedSum(tn) };
}

/** Estimated accuracy, precision, recall, F1 and ROC-AUC of one window of predictions. */
export function estimatePerformance(input: CbpeInput): CbpeEstimate {
  const confusion = expectedConfusion(input);
  const { tp, fp, fn, tn } = confusion;
  const n = input.proba.length;
  const ratio = (a: number, b: number) => (b !== 0 ? a / b : 0);
  return {
    n,
    confusion,
    accuracy: (tp + tn) / n,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(tp, tp + 0.5 * (fp + fn)),
    rocAuc: estimateRocAuc(input.proba, input.scores ?? input.proba),
  };
}

/**
 * Estimated ROC-AUC (NannyML's `estimate_roc_auc`): rows sorted by `scores` descending; after each row the expected
 * true-positive count is the running sum of p and the expected false-positive count is (rows so far) − that sum;
 * both are rounded to 5 decimals (numpy.round: half to even on x·10⁵), divided by their final values to give the
 * expected TPR and FPR, and the curve from (0, 0) is integrated with the trapezoid rule.
 *
 * Tied scores are taken together as one threshold (one point per distinct score, as scikit-learn's ROC); NannyML
 * takes them in numpy's unstable argsort order instead, so results agree exactly when the scores are distinct.
 * Returns null when every p is 0 or every p is 1 (NannyML: NaN).
 */
export function estimateRocAuc(proba: ArrayLike<number>, scores: ArrayLike<number> = proba): number | null {
  checkSameLength('CBPE ROC-AUC', proba, scores, ['proba', 'scores']);
  checkProbabilities('CBPE', 'proba', proba);
  checkFinite('CBPE ROC-AUC', 'scores', scores);
  const n = proba.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const tps = [0];
  const fps = [0];
  let runningTp = 0;
  for (let k = 0; k < n; k++) {
    runningTp += proba[order[k]!]!;
    const endOfTie = k === n - 1 || scores[order[k + 1]!] !== scores[order[k]!];
    if (endOfTie) {
      tps.push(roundTo5Decimals(runningTp));
      fps.push(roundTo5Decimals(1 + k - runningTp));
    }
  }
  const tpTotal = tps[tps.length - 1]!;
  const fpTotal = fps[fps.length - 1]!;
  if (tpTotal === 0 || fpTotal === 0) return null;
  const trapezoids: number[] = [];
  for (let j = 1; j < tps.length; j++) {
    const dx = fps[j]! / fpTotal - fps[j - 1]! / fpTotal;
    trapezoids.push((dx * (tps[j]! / tpTotal + tps[j - 1]! / tpTotal)) / 2);
  }
  return compensatedSum(trapezoids);
}

/** numpy.round(x, 5): rint(x · 10⁵) / 10⁵ with rint rounding half to even. */
function roundTo5Decimals(x: number): number {
  const y = x * 100000;
  const floor = Math.floor(y);
  const diff = y - floor;
  const rounded = diff < 0.5 ? floor : diff > 0.5 ? floor + 1 : floor % 2 === 0 ? floor : floor + 1;
  return rounded / 100000;
}

function checked(input: CbpeInput): { proba: ArrayLike<number>; predicted: Uint8Array } {
  const { proba } = input;
  if (proba.length === 0) throw invalidArgument('CBPE: no probabilities (an empty window has no estimate)');
  checkProbabilities('CBPE', 'proba', proba);
  const threshold = input.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1)) throw invalidArgument(`CBPE: threshold must be in [0, 1], got ${threshold}`);
  const predicted = new Uint8Array(proba.length);
  if (input.predictions) {
    checkSameLength('CBPE', proba, input.predictions, ['proba', 'predictions']);
    for (let i = 0; i < proba.length; i++) {
      const y = input.predictions[i];
      if (y !== 0 && y !== 1 && y !== true && y !== false) {
        throw invalidArgument(`CBPE: predictions[${i}] is ${String(y)}; predictions must be 0/1 or false/true`);
      }
      predicted[i] = y === 1 || y === true ? 1 : 0;
    }
  } else {
    for (let i = 0; i < proba.length; i++) predicted[i] = proba[i]! >= threshold ? 1 : 0;
  }
  return { proba, predicted };
}
