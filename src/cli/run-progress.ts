import type { PipelineStatus, PipelineTaskRecord } from '../store/pipelines.js';
import type { Context } from './context.js';

const MARKS: Partial<Record<PipelineStatus, string>> = {
  succeeded: '✓',
  cached: '↺',
  failed: '✗',
  cancelled: '⊘',
  skipped: '–',
  running: '▶',
};
const POLL_MS = 250;
const SHOWN_RUNNING = 6;

/**
 * A live view of a run's steps on stderr while it executes: on a terminal a redrawn block (counts, the steps running
 * now, the latest finished), otherwise one line per step as it finishes. Returns a function that stops it.
 */
export function watchRun(ctx: Context, runId: string, options: { quiet: boolean }): () => Promise<void> {
  if (options.quiet) return async () => {};
  const stream = process.stderr;
  const started = Date.now();
  const seen = new Map<string, PipelineStatus>();
  let drawn = 0;
  let stopped = false;
  const render = (tasks: PipelineTaskRecord[]) => {
    const steps = tasks.filter((t) => t.kind === 'component');
    const finished: string[] = [];
    for (const t of steps) {
      if (seen.get(t.id) === t.status) continue;
      seen.set(t.id, t.status);
      if (t.status !== 'running' && t.status !== 'pending')
        finished.push(`${MARKS[t.status] ?? ' '} ${t.path} ${t.status}`);
    }
    if (!stream.isTTY) {
      for (const line of finished) stream.write(`${line}\n`);
      return;
    }
    const count = (s: PipelineStatus) => steps.filter((t) => t.status === s).length;
    const running = steps.filter((t) => t.status === 'running');
    const lines = [
      `steps: ${count('succeeded')} done, ${count('cached')} cached, ${running.length} running, ${count('failed')} failed · ${((Date.now() - started) / 1000).toFixed(1)} s`,
      ...running.slice(0, SHOWN_RUNNING).map((t) => `  ▶ ${t.path}`),
      ...(running.length > SHOWN_RUNNING ? [`  … and ${running.length - SHOWN_RUNNING} more`] : []),
    ];
    stream.write(`${drawn > 0 ? `\x1b[${drawn}A` : ''}${lines.map((l) => `\r${l}\x1b[K`).join('\n')}\n\x1b[J`);
    drawn = lines.length;
  };
  const tick = async () => {
    if (stopped) return;
    try {
      render(await ctx.store.pipelines.listTasks(runId));
    } catch {
      // the view is best effort; the run's outcome is reported at the end
    }
  };
  const timer = setInterval(tick, POLL_MS);
  return async () => {
    clearInterval(timer);
    await tick();
    stopped = true;
  };
}
