// Trains both src/ml trainers on the bundled Seattle weather data (2012–2014) and writes their ONNX exports, for
// checking with ONNX's own tools:
//
//   node --import tsx scripts/ml/export-weather-models.ts /tmp/osprey-ml
//   /usr/bin/python3 scripts/ml/check_onnx_export.py /tmp/osprey-ml/*.onnx
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledDataset, SEATTLE_WEATHER } from '../../src/data/bundled.js';
import { ALGORITHMS, parseSeattleWeatherCsv, train, weatherTrainingData } from '../../src/ml/index.js';

const out = process.argv[2];
if (!out) {
  console.error('usage: export-weather-models.ts OUTPUT_DIRECTORY');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const days = parseSeattleWeatherCsv(readFileSync(bundledDataset(SEATTLE_WEATHER), 'utf8'));
const data = weatherTrainingData(days.filter((day) => day.date < '2015-01-01'));
for (const algorithm of ALGORITHMS) {
  const path = join(out, `${algorithm}.onnx`);
  const bytes = train(data, { algorithm }).toOnnx();
  writeFileSync(path, bytes);
  console.log(`${path}: ${bytes.length} bytes`);
}
