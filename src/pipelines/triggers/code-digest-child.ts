// Prints the spec digest of the pipeline file given as first argument, or with --spec the whole spec (code-digest.ts).
import { compileFile } from '../compiler/index.js';
import { specDigest } from '../spec/digest.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: code-digest-child <pipeline file>');
  process.exit(2);
}
try {
  const spec = await compileFile(file);
  console.log(process.argv.includes('--spec') ? JSON.stringify(spec) : specDigest(spec));
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
