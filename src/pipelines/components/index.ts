// Built-in components: steps every pipeline may use, loaded by the executor from this folder like any other.
export type { Bounds, Direction, GateCheck, GatePolicy, GateReport } from './gate.js';
export { championGate, gate, HOLDOUT_METADATA } from './gate.js';
export {
  GATE_REPORT_KIND,
  GATE_TAGS,
  gateTags,
  metricDirection,
  parseGatePolicy,
  parseGateReport,
} from './gate-policy.js';
export type { ColumnExpectations, ExpectationResult, Expectations } from './validate-data.js';
export { VALIDATION_REPORT_KIND, validateData } from './validate-data.js';
