import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSqlStore } from '../../store/sql/sql-metadata-store.js';

// Runs the `chain` example in an orchestrator process, SIGKILLs it once the steps have written `killAfter`
// markers, resumes in a new process (killed again at the next point), and finally resumes to the end.

const CHILD = fileURLToPath(new URL('./test-support/orchestrator-child.ts', import.meta.url));
const PIPELINES = fileURLToPath(new URL('../../../examples/executor/pipelines.ts', import.meta.url));
const LABELS = ['first', 'a', 'b', 'c', 'joined', 'last'];

let home: string;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'osprey-crash-'));
});
after(() => rm(home, { recursive: true, force: true }));

/** The marker label of a task of `chain`: loop iterations 0, 1, 2 are labelled a, b, c. */
const taskLabel = (path: string) => (path.startsWith('fan[') ? ['a', 'b', 'c'][Number(path[4])]! : path);
const markerCount = async (dir: string) => (await readdir(dir)).length;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the orchestrator; resolves with the run id and its exit (code, or the signal that killed it). */
function orchestrate(args: string[], markers: string, killAfter: number | null) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, home, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  if (killAfter !== null) {
    void (async () => {
      while (child.exitCode === null && (await markerCount(markers)) < killAfter) await pause(20);
      child.kill('SIGKILL');
    })();
  }
  return exited.then((exit) => ({ ...exit, runId: stdout.trim().split('\n')[0] ?? '', stderr }));
}

describe('orchestrator crash and resume', () => {
  it('after SIGKILL at several points, resume completes and every completed step ran exactly once', async () => {
    const markers = join(home, 'markers');
    await mkdir(markers);
    const params = JSON.stringify({ markers, sleepMs: 300 });
    const started = await orchestrate(['start', PIPELINES, 'chain', params], markers, 1);
    assert.equal(started.signal, 'SIGKILL', started.stderr);
    const runId = started.runId;
    // path → its executions when it was first seen recorded as completed after a kill
    const completedBefore = new Map<string, number>();
    for (const killAfter of [3, 5]) {
      const store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
      const files = await readdir(markers);
      for (const t of await store.pipelines.listTasks(runId)) {
        if (t.kind !== 'component' || t.status !== 'succeeded' || completedBefore.has(t.path)) continue;
        completedBefore.set(t.path, files.filter((f) => f.startsWith(`${taskLabel(t.path)}.`)).length);
      }
      await store.close();
      const resumed = await orchestrate(['resume', runId], markers, killAfter);
      assert.ok(resumed.signal === 'SIGKILL' || resumed.code === 0, resumed.stderr);
    }
    const final = await orchestrate(['resume', runId], markers, null);
    assert.equal(final.code, 0, final.stderr);

    const store = await openSqlStore({ kind: 'sqlite', path: join(home, 'osprey.db') });
    try {
      const run = await store.pipelines.getRun(runId);
      assert.equal(run?.status, 'succeeded');
      const tasks = await store.pipelines.listTasks(runId);
      const files = await readdir(markers);
      for (const task of tasks.filter((t) => t.kind === 'component')) {
        assert.equal(task.status, 'succeeded', task.path);
        const label = LABELS.find((l) => task.path === l || (task.path.endsWith(`/fan-step`) && false)) ?? '';
        void label;
        const attempts = await store.pipelines.listAttempts(task.id);
        assert.equal(attempts.filter((a) => a.status === 'succeeded').length, 1, task.path);
      }
      for (const label of LABELS) {
        const count = files.filter((f) => f.startsWith(`${label}.`)).length;
        assert.ok(count >= 1, `${label} ran`);
      }
      // A step recorded as completed before a kill never executes again.
      assert.ok(completedBefore.size > 0, 'some steps had completed before a kill');
      for (const [path, count] of completedBefore) {
        const now = files.filter((f) => f.startsWith(`${taskLabel(path)}.`)).length;
        assert.equal(now, count, `${path} executed again after it completed`);
      }
      // Every execution of every step is accounted for by a recorded attempt (retried ones included).
      for (const task of tasks.filter((t) => t.kind === 'component')) {
        const attempts = await store.pipelines.listAttempts(task.id);
        const label = taskLabel(task.path);
        assert.ok(files.filter((f) => f.startsWith(`${label}.`)).length <= attempts.length, task.path);
      }
    } finally {
      await store.close();
    }
  });
});
