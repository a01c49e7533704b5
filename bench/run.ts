// Runs the benchmarks (all, or those named: `npm run bench -- hash`). Each prints its peer and the ratio.
import { benchDrift } from './drift.js';
import { benchHash } from './hash.js';
import { benchPipelines } from './pipelines.js';
import { benchProfile } from './profile.js';
import { benchServing } from './serving.js';
import { benchTracking } from './tracking.js';

const all: Record<string, () => Promise<void>> = {
  drift: benchDrift,
  hash: benchHash,
  pipelines: benchPipelines,
  profile: benchProfile,
  serving: benchServing,
  tracking: benchTracking,
};
const chosen = process.argv.slice(2).filter((a) => a in all);
for (const name of chosen.length > 0 ? chosen : Object.keys(all)) await all[name]!();
