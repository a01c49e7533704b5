import { checkFinite, checkSameLength, compensatedMean } from './validate.js';

/** Mean absolute error, mean(|yTrue − yPred|), as `sklearn.metrics.mean_absolute_error`. */
export function meanAbsoluteError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return compensatedMean(errors('MAE', yTrue, yPred, Math.abs));
}

/** Root mean squared error, √mean((yTrue − yPred)²), as `sklearn.metrics.mean_squared_error(..., squared=False)`. */
export function rootMeanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return Math.sqrt(compensatedMean(errors('RMSE', yTrue, yPred, (d) => d * d)));
}

function errors(what: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, f: (d: number) => number) {
  checkSameLength(what, yTrue, yPred);
  checkFinite(what, 'yTrue', yTrue);
  checkFinite(what, 'yPred', yPred);
  const out = new Float64Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) out[i] = f(yTrue[i]! - yPred[i]!);
  return out;
}
