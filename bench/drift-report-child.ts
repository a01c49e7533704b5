// Runs one full drift report (read → compute → HTML) in its own process; prints times and peak RSS as JSON.
import { writeFile } from 'node:fs/promises';
import { computeDrift, readDriftTables } from '../src/monitoring/drift/index.js';
import { driftReportHtml } from '../src/monitoring/reports/index.js';

const [reference, current, html] = process.argv.slice(2) as [string, string, string];
const start = performance.now();
const tables = await readDriftTables(reference, current, async () => {
  throw new Error('the benchmark reads files only');
});
const read = performance.now();
const result = await computeDrift(tables.reference, tables.current);
const computed = performance.now();
await writeFile(html, driftReportHtml(result));
const end = performance.now();
console.log(
  JSON.stringify({
    readSeconds: (read - start) / 1000,
    computeSeconds: (computed - read) / 1000,
    htmlSeconds: (end - computed) / 1000,
    totalSeconds: (end - start) / 1000,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    drifted: result.report.number_of_drifted_columns,
  }),
);
