// Prints the spec digest of the pipeline file given as the only argument (see code-digest.ts).
import { compileFile } from '../compiler/index.js';
import { specDigest } from '../spec/digest.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: code-digest-child <pipeline file>');
  process.exit(2);
}
try {
  console.log(specDigest(await compileFile(file)));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
