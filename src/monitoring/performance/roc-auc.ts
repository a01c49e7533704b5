import { invalidArgument } from '../../core/errors.js';
import { checkFinite, checkSameLength, type Label } from './validate.js';

/**
 * Binary ROC-AUC, equal to `sklearn.metrics.roc_auc_score(y_true, y_score)`: the area under the ROC curve drawn
 * through one point per distinct score threshold (scores sorted descending; tied scores enter together, so a tie
 * contributes a straight segment), integrated with the trapezoid rule. Equivalently the Mann–Whitney probability
 * P(score⁺ > score⁻) + ½·P(score⁺ = score⁻).
 *
 * The area is accumulated in integer units (counts of positives × negatives) and divided once, so the result is
 * the correctly rounded AUC. `yTrue` holds labels, `positiveLabel` (default 1) is the positive class; both classes
 * must be present (INVALID_ARGUMENT otherwise, as scikit-learn's ValueError).
 */
export function rocAuc(yTrue: ArrayLike<Label>, scores: ArrayLike<number>, positiveLabel: Label = 1): number {
  checkSameLength('ROC-AUC', yTrue, scores, ['yTrue', 'scores']);
  checkFinite('ROC-AUC', 'scores', scores);
  const n = yTrue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let positives = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === positiveLabel) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw invalidArgument('ROC-AUC: only one class present in yTrue; ROC-AUC is not defined for one class');
  }
  let tp = 0;
  let fp = 0;
  let doubledArea = 0; // Σ Δfp · (tp + tp_prev), in units of one positive × one negative
  for (let k = 0; k < n; ) {
    const threshold = scores[order[k]!]!;
    const tpBefore = tp;
    const fpBefore = fp;
    for (; k < n && scores[order[k]!] === threshold; k++) {
      if (yTrue[order[k]!] === positiveLabel) tp++;
      else fp++;
    }
    doubledArea += (fp - fpBefore) * (tp + tpBefore);
  }
  return doubledArea / (2 * positives * negatives);
}
