import { invalidArgument } from '../../core/errors.js';
import { checkFinite, checkProbabilities, checkSameLength, compensatedMean, type Label } from './validate.js';

/**
 * The clipping ε of `sklearn.metrics.log_loss` ≥ 1.2 (`eps="auto"`): the float64 machine epsilon 2⁻⁵² ≈ 2.22e-16.
 * (scikit-learn < 1.2 used 1e-15; pass it as `eps` to reproduce those versions.)
 */
export const LOG_LOSS_EPS = Number.EPSILON;

export interface LogLossOptions {
  /** Probabilities are clipped to [eps, 1 − eps] (default LOG_LOSS_EPS). */
  eps?: number;
}

/**
 * Binary log-loss (cross-entropy), as `sklearn.metrics.log_loss(y_true, p, labels=[negative, positive])`:
 * each p is clipped to [ε, 1 − ε], the row (1 − p, p) is renormalised by its sum s, and the loss is the mean of
 * −ln(p/s) over positives and −ln((1 − p)/s) over the rest. `pPositive[i]` is the predicted probability that row i
 * is `positiveLabel` (default 1). A confident mistake costs −ln ε ≈ 36.04, never ∞.
 */
export function binaryLogLoss(
  yTrue: ArrayLike<Label>,
  pPositive: ArrayLike<number>,
  positiveLabel: Label = 1,
  options: LogLossOptions = {},
): number {
  checkSameLength('log-loss', yTrue, pPositive, ['yTrue', 'pPositive']);
  checkProbabilities('log-loss', 'pPositive', pPositive);
  const eps = checkedEps(options.eps);
  const losses = new Float64Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) {
    const p = Math.min(Math.max(pPositive[i]!, eps), 1 - eps);
    const q = 1 - p;
    const sum = q + p;
    losses[i] = -Math.log((yTrue[i] === positiveLabel ? p : q) / sum);
  }
  return compensatedMean(losses);
}

/**
 * Multiclass log-loss, as `sklearn.metrics.log_loss(y_true, proba, labels=classes)`: `proba[i][j]` is the
 * probability that row i is `classes[j]`; each entry is clipped to [ε, 1 − ε], each row renormalised by its sum,
 * and the loss is the mean of −ln(proba[i][class of yTrue[i]]). A label not in `classes` is refused.
 */
export function multiclassLogLoss(
  yTrue: ArrayLike<Label>,
  proba: ArrayLike<ArrayLike<number>>,
  classes: readonly Label[],
  options: LogLossOptions = {},
): number {
  checkSameLength('log-loss', yTrue, proba, ['yTrue', 'proba']);
  if (classes.length < 2) throw invalidArgument('log-loss: at least two classes are needed');
  const eps = checkedEps(options.eps);
  const column = new Map(classes.map((c, j) => [c, j]));
  const losses = new Float64Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) {
    const row = proba[i]!;
    if (row.length !== classes.length) {
      throw invalidArgument(`log-loss: proba[${i}] has ${row.length} values for ${classes.length} classes`);
    }
    checkProbabilities('log-loss', `proba[${i}]`, row);
    const j = column.get(yTrue[i]!);
    if (j === undefined) throw invalidArgument(`log-loss: yTrue[${i}] = ${String(yTrue[i])} is not one of the classes`);
    let sum = 0;
    for (let c = 0; c < row.length; c++) sum += Math.min(Math.max(row[c]!, eps), 1 - eps);
    losses[i] = -Math.log(Math.min(Math.max(row[j]!, eps), 1 - eps) / sum);
  }
  return compensatedMean(losses);
}

function checkedEps(eps: number | undefined): number {
  const value = eps ?? LOG_LOSS_EPS;
  checkFinite('log-loss', 'eps', [value]);
  if (!(value > 0 && value < 0.5)) throw invalidArgument(`log-loss: eps must be in (0, 0.5), got ${value}`);
  return value;
}
