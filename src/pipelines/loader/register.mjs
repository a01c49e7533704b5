// `node --import <this file>` (or importing it) makes `import … from 'osprey'` resolve to this installation: the
// package entry next to this folder — src/index.ts when running from source, dist/index.js when built.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const source = new URL('../../index.ts', import.meta.url);
const built = new URL('../../index.js', import.meta.url);
const entry = existsSync(fileURLToPath(built)) ? built : source;
register(new URL('./osprey-hooks.mjs', import.meta.url), { data: { entry: entry.href } });
