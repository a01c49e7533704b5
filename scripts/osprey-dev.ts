// Runs the CLI from source (no build): `node --import tsx scripts/osprey-dev.ts data ls`.
import { main } from '../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
