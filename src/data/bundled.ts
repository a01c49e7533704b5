import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { notFound } from '../core/errors.js';

/**
 * Real public datasets that ship inside an npm dependency (`vega-datasets`), used by the demo, examples and tests.
 * seattle-weather.csv: daily Seattle weather 2012–2015 (date, precipitation, temp_max, temp_min, wind, weather).
 */
export function bundledDataset(file: string): string {
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const path = join(dir, 'data', file);
  if (!existsSync(path)) throw notFound(`bundled dataset ${file} is missing from ${join(dir, 'data')}`);
  return path;
}

export const SEATTLE_WEATHER = 'seattle-weather.csv';
