import { isDigest, isDigestPrefix } from '../core/hashing.js';
import type { DatasetRepository } from '../store/metadata-store.js';
import type { TrackedDataset } from '../store/tracking.js';

/**
 * Which Osprey dataset version a logged dataset is, judged by digest. A full SHA-256 names content wherever it is
 * stored: a version of the same-named dataset is preferred, else the oldest version with that content. A shorter
 * hex digest (MLflow's own are 8 hex characters of MD5) links only to a version of the same-named dataset whose
 * digest starts with it, so a chance prefix match across datasets never links. Null when nothing matches.
 */
export async function findLinkedVersion(datasets: DatasetRepository, dataset: TrackedDataset): Promise<string | null> {
  const digest = dataset.digest;
  if (isDigest(digest)) {
    const versions = await datasets.findVersionsByDigest(digest);
    const chosen = versions.find((v) => v.datasetName === dataset.name) ?? versions[0];
    return chosen?.id ?? null;
  }
  if (isDigestPrefix(digest)) {
    const versions = await datasets.findVersionsByDigest(digest, dataset.name);
    return versions.length === 1 ? versions[0]!.id : null;
  }
  return null;
}
