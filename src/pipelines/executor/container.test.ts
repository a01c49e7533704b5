import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalArtifactStore } from '../../artifacts/local/local-artifact-store.js';
import { isOspreyError } from '../../core/errors.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { openSqlStore } from '../../store/sql/sql-metadata-store.js';
import { compileFile } from '../compiler/compile.js';
import { containerRunArgs, detectContainerEngine } from './container.js';
import { PipelineExecutor } from './executor.js';

const stepsDir = fileURLToPath(new URL('../../../examples/executor/', import.meta.url));
const standIn = fileURLToPath(new URL('./test-support/engine-stand-in.sh', import.meta.url));
const devCli = fileURLToPath(new URL('../../../scripts/osprey-dev.ts', import.meta.url));

let home: string;
let store: MetadataStore;
let executor: PipelineExecutor;
const originalPath = process.env.PATH ?? '';

async function binDir(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(home, name);
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    await writeFile(join(dir, file), text);
    await chmod(join(dir, file), 0o755);
  }
  return dir;
}

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'osprey-container-'));
  store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
  const artifacts = await LocalArtifactStore.open(join(home, 'artifacts'));
  executor = new PipelineExecutor({ store, artifacts, workRoot: join(home, 'work'), parallelism: 2 });
});
after(async () => {
  process.env.PATH = originalPath;
  await store.close();
  if (!process.env.KEEP) await rm(home, { recursive: true, force: true });
});

describe('container runner', () => {
  it('says clearly that no engine answers, with what each engine said', async () => {
    const bin = await binDir('no-daemon', {
      docker: '#!/bin/sh\necho "Cannot connect to the Docker daemon at unix:///var/run/docker.sock." >&2\nexit 1\n',
    });
    await assert.rejects(detectContainerEngine({ PATH: `${bin}:/usr/bin:/bin` }), (error) => {
      assert.ok(isOspreyError(error, 'UNAVAILABLE'));
      assert.match(error.message, /needs docker or podman answering on this machine/);
      assert.match(error.message, /docker: Cannot connect to the Docker daemon/);
      assert.match(error.message, /podman: not installed/);
      return true;
    });
    await assert.rejects(detectContainerEngine({ OSPREY_CONTAINER_ENGINE: 'nerdctl' }), /use docker or podman/);
    process.env.PATH = `${bin}:/usr/bin:/bin`;
    try {
      const spec = await compileFile(join(stepsDir, 'pipelines.ts'), { exportName: 'containerized' });
      await assert.rejects(executor.create(spec, { name: 'x' }, stepsDir, { runner: 'container' }), /none does/);
      assert.equal((await store.pipelines.listRuns()).length, 0, 'nothing is recorded');
    } finally {
      process.env.PATH = originalPath;
    }
  });

  it('refuses a pipeline whose components declare no image', async () => {
    const spec = await compileFile(join(stepsDir, 'pipelines.ts'), { exportName: 'retried' });
    await assert.rejects(
      executor.create(spec, { markers: home, failures: 0 }, stepsDir, { runner: 'container' }),
      /'flaky' declare\(s\) none/,
    );
  });

  it('builds engine arguments that mount the attempt and the code at their own paths', () => {
    const args = containerRunArgs({
      engine: 'podman',
      image: 'busybox:1.36',
      name: 'osprey-step-1',
      mounts: [
        { path: '/w/run/a1', readOnly: false },
        { path: '/code', readOnly: true },
      ],
      workDir: '/w/run/a1/work',
      argv: ['sh', '-c', 'true'],
      env: { A: '1' },
    });
    assert.deepEqual(args.slice(0, 3), ['run', '--rm', '--name=osprey-step-1']);
    assert.ok(args.includes('/w/run/a1:/w/run/a1:rw') && args.includes('/code:/code:ro'));
    assert.deepEqual(args.slice(-5), ['A=1', 'busybox:1.36', 'sh', '-c', 'true']);
  });

  it('runs function and command steps through the engine client, each in its declared image', async () => {
    const log = join(home, 'engine.log');
    const bin = await binDir('stand-in', {
      docker: `#!/bin/sh\nexec ${standIn} "$@"\n`,
      osprey: `#!/bin/sh\nexec ${process.execPath} --import ${import.meta.resolve('tsx')} ${devCli} "$@"\n`,
    });
    process.env.PATH = `${bin}:${originalPath}`;
    process.env.ENGINE_LOG = log;
    try {
      const spec = await compileFile(join(stepsDir, 'pipelines.ts'), { exportName: 'containerized' });
      const runId = await executor.create(spec, { name: 'osprey' }, stepsDir, { runner: 'container' });
      const run = await executor.resume(runId);
      const tasks = await store.pipelines.listTasks(runId);
      assert.equal(run.status, 'succeeded', JSON.stringify(tasks, null, 1));
      assert.equal(run.runner, 'container');
      const byPath = Object.fromEntries(tasks.map((t) => [t.path, t]));
      assert.equal(byPath.greet?.outputs?.length, 12);
      assert.equal(byPath['count-bytes']?.outputs?.bytes, 12);
      const calls = await readFile(log, 'utf8');
      assert.match(calls, /^version --format/m);
      assert.match(calls, /^image node:20-slim$/m);
      assert.match(calls, /^image busybox:1\.36$/m);
      assert.match(calls, /osprey step --request \S+request\.json/);
    } finally {
      process.env.PATH = originalPath;
      delete process.env.ENGINE_LOG;
    }
  });
});
