import type { Command } from 'commander';
import { invalidArgument } from '../core/errors.js';
import { openContext } from './context.js';
import { monitorServiceFor } from './monitors.js';
import { printLines } from './output.js';
import { resumeInterrupted, runStarter } from './run-starter.js';
import { OSPREY_VERSION } from './version.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/;

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('run the control plane: the MLflow-compatible tracking and registry API and the artifact proxy')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '5000')
    .option('--auth', 'require bearer tokens (osprey tokens create) with roles reader / editor / admin')
    .option('--insecure-no-auth', 'allow binding beyond loopback without authentication')
    .option(
      '--trigger-interval <seconds>',
      'how often continuous-training triggers are evaluated (0: never)',
      process.env.OSPREY_TRIGGER_INTERVAL ?? '30',
    )
    .option(
      '--monitor-interval <seconds>',
      'how often monitors are looked at (each is evaluated on its own schedule; 0: never)',
      process.env.OSPREY_MONITOR_INTERVAL ?? '10',
    )
    .action(
      async (opts: {
        host: string;
        port: string;
        auth?: boolean;
        insecureNoAuth?: boolean;
        triggerInterval: string;
        monitorInterval: string;
      }) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw invalidArgument(`--port ${opts.port} is not a port number`);
        if (!LOOPBACK.test(opts.host) && !opts.auth && !opts.insecureNoAuth)
          throw invalidArgument(
            `binding to ${opts.host} exposes the API beyond this machine: add --auth (bearer tokens) or, knowingly, --insecure-no-auth`,
          );
        // Listen for the stop signals first: a SIGTERM during start-up must still shut down cleanly.
        const stopped = new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        const ctx = await openContext();
        const [{ createApiServer }, { storeTokenResolver }, { triggerServiceOf }] = await Promise.all([
          import('../api/server.js'),
          import('../api/tokens/token-service.js'),
          import('../api/routes/triggers/index.js'),
        ]);
        const deps = {
          store: ctx.store,
          artifacts: ctx.artifacts,
          version: OSPREY_VERSION,
          startRun: runStarter(ctx, 'background'),
          ...(opts.auth ? { tokens: storeTokenResolver(ctx.store.tokens) } : {}),
        };
        const app = createApiServer(deps);
        await app.listen({ host: opts.host, port });
        const address = app.server.address();
        const bound = typeof address === 'object' && address ? address.port : port;
        printLines(
          `osprey server ${OSPREY_VERSION} listening on http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${bound}`,
          `  metadata: ${ctx.store.kind}, home ${ctx.config.home}; authentication ${opts.auth ? 'on' : 'off'}`,
          `  MLflow clients: MLFLOW_TRACKING_URI=http://${opts.host}:${bound}`,
        );
        if (opts.auth && (await ctx.store.tokens.list()).every((t) => t.role !== 'admin' || t.revokedAt !== null))
          printLines('  no admin token exists yet: osprey tokens create --name admin --role admin');
        const resumed = await resumeInterrupted(ctx);
        if (resumed.length > 0)
          printLines(`  resuming ${resumed.length} interrupted pipeline run(s): ${resumed.join(', ')}`);
        const stopTriggers = startLoop('trigger', triggerServiceOf(deps), Number(opts.triggerInterval) * 1000);
        const monitors = await monitorServiceFor(ctx, 'background');
        const stopMonitors = startLoop(
          'monitor',
          {
            async tick() {
              for (const { monitor, error } of (await monitors.tick()).errors)
                process.stderr.write(`osprey server: monitor ${monitor} failed: ${error}\n`);
            },
          },
          Number(opts.monitorInterval) * 1000,
        );
        await stopped;
        stopTriggers();
        stopMonitors();
        await app.close();
        await ctx.close();
      },
    );
}

/** Ticks `work` every `intervalMs` (never two ticks at once); returns a function that stops it. */
function startLoop(what: string, work: { tick(): Promise<unknown> }, intervalMs: number): () => void {
  if (!(intervalMs > 0)) return () => {};
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await work.tick();
    } catch (error) {
      process.stderr.write(`osprey server: ${what} evaluation failed: ${(error as Error).message}\n`);
    } finally {
      busy = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  return () => clearInterval(timer);
}
