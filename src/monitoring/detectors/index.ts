// Online concept-drift detectors over an error stream, with river's default parameters and semantics
// (see ./README.md for the exact definitions, the oracles and the measured detection delays). Pure, no I/O.
export { ADWIN_DEFAULTS, Adwin, type AdwinOptions } from './adwin.js';
export { DDM_DEFAULTS, Ddm, type DdmOptions, type ErrorBit } from './ddm.js';
export type { DriftDetector, DriftSignal } from './detector.js';
export { type DetectionScore, type DetectorRun, runDetector, scoreDetections } from './evaluation.js';
export { PAGE_HINKLEY_DEFAULTS, PageHinkley, type PageHinkleyMode, type PageHinkleyOptions } from './page-hinkley.js';
