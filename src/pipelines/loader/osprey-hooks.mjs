// Module resolution hooks (node:module register): `osprey` resolves to this installation's
// package entry, so a pipeline file anywhere on the machine can `import { component } from 'osprey'` without
// its own node_modules — and gets the very module instances the CLI compiles it with.
let entry;

export function initialize(data) {
  entry = data.entry;
}

export async function resolve(specifier, context, next) {
  // Handed on down the chain, so the TypeScript loader (tsx) resolves and loads src/index.ts when from source.
  if (specifier === 'osprey') return next(entry, context);
  return next(specifier, context);
}
