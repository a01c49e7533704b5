// Copies the non-TypeScript files the built package reads at run time (gRPC .proto definitions, module hooks written as .mjs) from src/ to dist/.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ASSET = /\.(proto|mjs)$/;
function assets(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : assets(path);
    return ASSET.test(e.name) ? [path] : [];
  });
}
for (const file of assets('src')) {
  const target = join('dist', relative('src', file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}
