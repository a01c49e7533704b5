import { binCategorical, binNumeric, type CategoricalBins, type NumericBins } from './binning.js';
import { jensenShannonDistance } from './jensen-shannon.js';
import { PSI_FLOOR, populationStabilityIndex } from './psi.js';
import { checkSample, type NumericSample } from './validate.js';

export interface BinnedDriftOptions {
  /** Number of reference-quantile bins for numeric features (default 10). */
  bins?: number;
  /** PSI's floor on bin proportions (default 1e-4). */
  floor?: number;
}

export interface BinnedDrift {
  /** Population stability index (natural log, floored proportions), see psi.ts. */
  psi: number;
  /** Jensen–Shannon distance, base 2, in [0, 1], on the unfloored proportions, see jensen-shannon.ts. */
  jensenShannon: number;
}

/** PSI and Jensen–Shannon distance of a numeric feature over the reference's quantile bins (binning.ts). */
export function numericBinnedDrift(
  reference: NumericSample,
  current: NumericSample,
  options: BinnedDriftOptions = {},
): BinnedDrift & NumericBins {
  checkSample('reference', reference);
  checkSample('current', current);
  const bins = binNumeric(reference, current, options.bins ?? 10);
  return { ...bins, ...measure(bins.referenceCounts, bins.currentCounts, options.floor ?? PSI_FLOOR) };
}

/** PSI and Jensen–Shannon distance of a categorical feature, one bin per category (binning.ts). */
export function categoricalBinnedDrift(
  reference: Iterable<string | number | boolean | null | undefined>,
  current: Iterable<string | number | boolean | null | undefined>,
  options: Pick<BinnedDriftOptions, 'floor'> = {},
): BinnedDrift & CategoricalBins {
  const bins = binCategorical(reference, current);
  return { ...bins, ...measure(bins.referenceCounts, bins.currentCounts, options.floor ?? PSI_FLOOR) };
}

function measure(ref: Float64Array, cur: Float64Array, floor: number): BinnedDrift {
  return {
    psi: populationStabilityIndex(ref, cur, { floor }),
    jensenShannon: jensenShannonDistance(ref, cur, { base: 2 }),
  };
}
