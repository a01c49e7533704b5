import type { Command } from 'commander';
import { isoTime } from '../core/time.js';
import { withContext } from './context.js';
import { printJson, printLines, table } from './output.js';

export function registerTokenCommands(program: Command): void {
  const tokens = program.command('tokens').description('manage API bearer tokens (for osprey server --auth)');
  tokens
    .command('create')
    .description('create a token; its secret is printed once and never stored')
    .requiredOption('-n, --name <name>', 'a name for the token (who or what uses it)')
    .requiredOption('-r, --role <role>', 'reader, editor or admin')
    .option('--json', 'machine-readable output')
    .action(async (opts: { name: string; role: string; json?: boolean }) =>
      withContext(async (ctx) => {
        const { createToken } = await import('../api/tokens/token-service.js');
        const created = await createToken(ctx.store.tokens, opts.name, opts.role);
        if (opts.json) return printJson(created);
        printLines(
          `created token ${created.token.name} (${created.token.role}); its secret, shown once:`,
          created.secret,
        );
      }),
    );
  tokens
    .command('ls')
    .description('list tokens (never their secrets)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) =>
      withContext(async (ctx) => {
        const list = await ctx.store.tokens.list();
        if (opts.json) return printJson(list);
        printLines(
          ...table(
            ['NAME', 'ROLE', 'CREATED', 'REVOKED', 'ID'],
            list.map((t) => [t.name, t.role, isoTime(t.createdAt), t.revokedAt ? isoTime(t.revokedAt) : '–', t.id]),
          ),
        );
      }),
    );
  tokens
    .command('revoke')
    .description('revoke a token by name or id')
    .argument('<token>', 'name or id')
    .option('--json', 'machine-readable output')
    .action(async (token: string, opts: { json?: boolean }) =>
      withContext(async (ctx) => {
        const revoked = await ctx.store.tokens.revoke(token);
        if (opts.json) return printJson(revoked);
        printLines(`revoked ${revoked.name}`);
      }),
    );
}
