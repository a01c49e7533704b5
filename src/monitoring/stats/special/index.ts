export { besselK, besselKScaled } from './bessel-k.js';
export { chiSquareSf, normalCdf, normalSf } from './distributions.js';
export { erf, erfc } from './error-function.js';
export { binomial, LOG_SQRT_2PI, log1pmx, logBinomial, logGamma, stirlingRemainder } from './gamma.js';
export { regularizedGammaP, regularizedGammaQ } from './incomplete-gamma.js';
export { kolmogorovN, kolmogorovSf } from './kolmogorov.js';
export { smirnovSf } from './smirnov.js';
