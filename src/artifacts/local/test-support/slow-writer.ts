// A writer to be killed: puts patterned content under a key, fast up to `slowAfter` bytes, then slowly.
// Prints "WRITING" once `slowAfter` bytes have reached the store. Usage: slow-writer.ts <root> <key> <seed> <total> <slowAfter>
import { LocalArtifactStore } from '../local-artifact-store.js';
import { patternContent, WRITER_CHUNK_BYTES } from './content.js';

const [root, key, seed, total, slowAfter] = process.argv.slice(2);
if (!root || !key || !seed || !total || !slowAfter)
  throw new Error('usage: slow-writer.ts <root> <key> <seed> <total> <slowAfter>');
const store = new LocalArtifactStore(root);
let announced = false;
await store.put(key, patternContent(seed, Number(total), WRITER_CHUNK_BYTES, Number(slowAfter)), {
  onProgress: (bytes) => {
    if (!announced && bytes >= Number(slowAfter)) {
      announced = true;
      process.stdout.write('WRITING\n');
    }
  },
});
process.stdout.write('DONE\n');
