import type { DriftReport } from '../drift/index.js';

/** The report as JSON text (the shape of issue 5: dataset_drift, drift_share, features[…]), pretty-printed. */
export function driftReportJson(report: DriftReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
