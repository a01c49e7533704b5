// Enforces the import direction of docs/architecture.md:
//   core ← store, artifacts ← domain folders ← api ← cli;  client talks HTTP only;  monitoring/stats imports only core;
//   only composition roots (cli/, api/server start-up) import the implementations in store/sql and artifacts/local.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = resolve('src');
const DOMAINS = ['data', 'tracking', 'registry', 'pipelines', 'serving', 'monitoring', 'ml'];
const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  store: ['core', 'store'],
  artifacts: ['core', 'artifacts'],
  ...Object.fromEntries(DOMAINS.map((d) => [d, ['core', 'store', 'artifacts', ...DOMAINS]])),
  api: ['core', 'store', 'artifacts', ...DOMAINS, 'api'],
  client: ['core', 'client'],
  cli: ['core', 'store', 'artifacts', ...DOMAINS, 'api', 'client', 'cli'],
  '': ['core', 'store', 'artifacts', ...DOMAINS, 'api', 'client', ''],
};
const IMPLEMENTATIONS = ['store/sql', 'artifacts/local'];
const COMPOSITION_ROOTS = ['cli/', 'api/start'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const area = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '');
const problems: string[] = [];
for (const file of files(SRC)) {
  const rel = relative(SRC, file).split(sep).join('/');
  const from = area(rel);
  const isTest = /\.(test|contract)\.ts$/.test(rel) || rel.includes('/test-support/');
  const source = readFileSync(file, 'utf8');
  for (const match of source.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = relative(SRC, resolve(dirname(file), match[1]!))
      .split(sep)
      .join('/');
    if (target.startsWith('..')) {
      problems.push(`${rel}: imports ${match[1]} from outside src/`);
      continue;
    }
    const to = area(target);
    // A test may start real neighbours (a server, a store) through any test-support module.
    const testSupport = isTest && target.includes('/test-support/');
    if (!testSupport && !(ALLOWED[from] ?? []).includes(to))
      problems.push(`${rel}: ${from || 'src'} may not import ${to || 'src'}`);
    if (
      from === 'monitoring' &&
      rel.startsWith('monitoring/stats/') &&
      to !== 'core' &&
      !target.startsWith('monitoring/stats/')
    )
      problems.push(`${rel}: monitoring/stats may import only core`);
    if (/^pipelines\/(dsl|compiler|spec)\//.test(rel) && target.startsWith('pipelines/executor/'))
      problems.push(`${rel}: the DSL, spec and compiler know nothing of the executor`);
    const impl = IMPLEMENTATIONS.find((i) => target.startsWith(`${i}/`));
    if (impl && !isTest && !rel.startsWith(`${impl}/`) && !COMPOSITION_ROOTS.some((r) => rel.startsWith(r)))
      problems.push(`${rel}: only composition roots construct ${impl}; receive the interface instead`);
  }
}
if (problems.length > 0) {
  console.error(`import direction violated (docs/architecture.md):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('import direction: ok');
