// Built-in components: steps every pipeline may use, loaded by the executor from this folder like any other.
export type { ColumnExpectations, ExpectationResult, Expectations } from './validate-data.js';
export { VALIDATION_REPORT_KIND, validateData } from './validate-data.js';
