// Runs every `*.test.ts` under src/ with Node's test runner (TypeScript through tsx).
// Extra arguments are passed to `node --test` (e.g. `--test-name-pattern=store`) or narrow the files.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const args = process.argv.slice(2);
const fileFilters = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--'));
const files = findTests('src')
  .filter((f) => fileFilters.length === 0 || fileFilters.some((filter) => f.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${fileFilters.join(' ')}`);
  process.exit(1);
}
if (!process.env.OSPREY_TEST_POSTGRES_URL) {
  console.log('OSPREY_TEST_POSTGRES_URL is not set: PostgreSQL suites will be skipped (SQLite suites run).');
}
const reporter = process.stdout.isTTY ? 'spec' : 'spec';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-reporter=${reporter}`, '--test-concurrency=2', ...flags, ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
);
process.exit(result.status ?? 1);
