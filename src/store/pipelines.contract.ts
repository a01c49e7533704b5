import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { NewPipelineRun, PipelineRunRepository } from './pipelines.js';

/** A fresh, empty repository; `reopen` opens another handle on the same database; `cleanup` closes and deletes. */
export interface OpenedPipelines {
  pipelines: PipelineRunRepository;
  reopen(): Promise<PipelineRunRepository>;
  cleanup(): Promise<void>;
}

export function newRun(overrides: Partial<NewPipelineRun> = {}): NewPipelineRun {
  return {
    id: newId(),
    pipelineName: 'train',
    specDigest: 'a'.repeat(64),
    spec: { name: 'train', tasks: [] },
    params: { threshold: 0.5 },
    baseDir: '/tmp/base',
    environment: { node: process.version },
    ...overrides,
  };
}

/** The behaviour every PipelineRunRepository implementation must show (see the contract on pipelines.ts). */
export function pipelinesContract(name: string, open: () => Promise<OpenedPipelines>): void {
  async function withRepo(fn: (repo: PipelineRunRepository, opened: OpenedPipelines) => Promise<void>) {
    const opened = await open();
    try {
      await fn(opened.pipelines, opened);
    } finally {
      await opened.cleanup();
    }
  }

  describe(`PipelineRunRepository contract: ${name}`, () => {
    it('creates a run, reads it back from another handle, and moves it through its statuses', () =>
      withRepo(async (repo, opened) => {
        const input = newRun();
        const created = await repo.createRun(input);
        assert.equal(created.status, 'pending');
        assert.equal(created.startedAt, null);
        assert.deepEqual((await (await opened.reopen()).getRun(input.id))?.spec, input.spec);
        const running = await repo.setRunStatus(input.id, 'running');
        assert.ok(running.startedAt !== null && running.endedAt === null);
        const failed = await repo.setRunStatus(input.id, 'failed', 'task train failed');
        assert.equal(failed.error, 'task train failed');
        assert.ok(failed.endedAt !== null && failed.startedAt === running.startedAt);
        assert.deepEqual(await repo.getRun(input.id), failed);
        await assert.rejects(repo.setRunStatus('nope', 'running'), (e) => isOspreyError(e, 'NOT_FOUND'));
      }));

    it("keeps a run's seed, cache use, the run it reproduces and its runner (defaults: 0, true, null, process)", () =>
      withRepo(async (repo, opened) => {
        const plain = await repo.createRun(newRun());
        assert.deepEqual([plain.seed, plain.useCache, plain.reproducesRunId, plain.runner], [0, true, null, 'process']);
        const input = newRun({ seed: 2_147_483_647, useCache: false, reproducesRunId: plain.id, runner: 'container' });
        await repo.createRun(input);
        const read = await (await opened.reopen()).getRun(input.id);
        assert.deepEqual(
          [read?.seed, read?.useCache, read?.reproducesRunId, read?.runner],
          [2_147_483_647, false, plain.id, 'container'],
        );
      }));

    it('lists runs newest first, with a limit', () =>
      withRepo(async (repo) => {
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          ids.push((await repo.createRun(newRun())).id);
          await new Promise((resolve) => setTimeout(resolve, 3));
        }
        assert.deepEqual(
          (await repo.listRuns()).map((r) => r.id),
          ids.reverse(),
        );
        assert.equal((await repo.listRuns({ limit: 2 })).length, 2);
      }));

    it('creates a task once per path and keeps creation order', () =>
      withRepo(async (repo) => {
        const run = await repo.createRun(newRun());
        const a = await repo.ensureTask(run.id, 'prepare', 'component');
        const b = await repo.ensureTask(run.id, 'grid[0]/train', 'component');
        assert.deepEqual(await repo.ensureTask(run.id, 'prepare', 'component'), a);
        const done = await repo.updateTask(a.id, {
          status: 'succeeded',
          outputs: { rows: 3 },
          cacheKey: 'k1',
        });
        assert.deepEqual(done.outputs, { rows: 3 });
        assert.ok(done.endedAt !== null);
        const tasks = await repo.listTasks(run.id);
        assert.deepEqual(
          tasks.map((t) => [t.path, t.status]),
          [
            ['prepare', 'succeeded'],
            ['grid[0]/train', 'pending'],
          ],
        );
        assert.deepEqual(tasks[0], done);
        assert.equal(tasks[1]?.id, b.id);
      }));

    it('numbers attempts without gaps across handles, records their end, and abandons running ones', () =>
      withRepo(async (repo, opened) => {
        const run = await repo.createRun(newRun());
        const task = await repo.ensureTask(run.id, 'train', 'component');
        const first = await repo.startAttempt(task.id, { logPath: '/logs/1.log', image: 'node:20' });
        assert.equal(first.number, 1);
        assert.equal((await repo.listTasks(run.id))[0]?.status, 'running');
        const ended = await repo.finishAttempt(first.id, {
          status: 'failed',
          exitCode: 1,
          signal: null,
          durationMs: 12,
          error: 'exit code 1',
        });
        assert.deepEqual([ended.status, ended.exitCode, ended.durationMs], ['failed', 1, 12]);
        const other = await opened.reopen();
        const second = await other.startAttempt(task.id, { logPath: '/logs/2.log', image: null });
        assert.equal(second.number, 2);
        assert.equal(await repo.abandonRunningAttempts(run.id, 'orchestrator stopped'), 1);
        const attempts = await repo.listAttempts(task.id);
        assert.deepEqual(
          attempts.map((a) => [a.number, a.status, a.error]),
          [
            [1, 'failed', 'exit code 1'],
            [2, 'failed', 'orchestrator stopped'],
          ],
        );
        assert.equal(attempts[0]?.logPath, '/logs/1.log');
      }));

    it('keeps the first cache entry for a key', () =>
      withRepo(async (repo) => {
        const run = await repo.createRun(newRun());
        assert.equal(await repo.getCacheEntry('key'), undefined);
        const first = await repo.putCacheEntry({ cacheKey: 'key', outputs: { a: 1 }, runId: run.id, taskPath: 't' });
        const again = await repo.putCacheEntry({ cacheKey: 'key', outputs: { a: 2 }, runId: 'other', taskPath: 't' });
        assert.deepEqual(again, first);
        assert.deepEqual((await repo.getCacheEntry('key'))?.outputs, { a: 1 });
      }));
  });
}
