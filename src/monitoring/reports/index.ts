// Drift reports: the JSON document and a self-contained HTML page (inline CSS and SVG, opens offline).
export { driftReportHtml } from './html-report.js';
export { driftReportJson } from './json-report.js';
export { chartSvg } from './svg-charts.js';
