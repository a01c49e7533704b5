import type { Command } from 'commander';
import { invalidArgument } from '../core/errors.js';
import { openContext } from './context.js';
import { printLines } from './output.js';
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
    .action(async (opts: { host: string; port: string; auth?: boolean; insecureNoAuth?: boolean }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw invalidArgument(`--port ${opts.port} is not a port number`);
      if (!LOOPBACK.test(opts.host) && !opts.auth && !opts.insecureNoAuth)
        throw invalidArgument(
          `binding to ${opts.host} exposes the API beyond this machine: add --auth (bearer tokens) or, knowingly, --insecure-no-auth`,
        );
      const ctx = await openContext();
      const [{ createApiServer }, { storeTokenResolver }] = await Promise.all([
        import('../api/server.js'),
        import('../api/tokens/token-service.js'),
      ]);
      const app = createApiServer({
        store: ctx.store,
        artifacts: ctx.artifacts,
        version: OSPREY_VERSION,
        ...(opts.auth ? { tokens: storeTokenResolver(ctx.store.tokens) } : {}),
      });
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
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await app.close();
      await ctx.close();
    });
}
