import { resolve } from 'node:path';
import { z } from 'zod';
import { invalidArgument } from './errors.js';

/**
 * Osprey's configuration, read from the environment at a composition root (CLI entry, server start-up).
 * OSPREY_HOME: the embedded home (SQLite file, artifacts); OSPREY_DB: a `postgres://` URL to use PostgreSQL instead.
 */
export const configSchema = z.object({
  home: z.string().min(1),
  database: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('sqlite'), path: z.string().min(1) }),
    z.object({ kind: z.literal('postgres'), url: z.string().regex(/^postgres(ql)?:\/\//) }),
  ]),
  artifactsRoot: z.string().min(1),
});

export type OspreyConfig = z.infer<typeof configSchema>;

/** Resolves the config from environment variables; relative paths are taken from the current directory. */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): OspreyConfig {
  const resolvePath = resolve;
  const home = resolvePath(env.OSPREY_HOME?.trim() || '.osprey');
  const db = env.OSPREY_DB?.trim();
  let database: OspreyConfig['database'];
  if (!db || db === 'sqlite') database = { kind: 'sqlite', path: resolvePath(home, 'osprey.db') };
  else if (/^postgres(ql)?:\/\//.test(db)) database = { kind: 'postgres', url: db };
  else if (db.startsWith('sqlite:')) database = { kind: 'sqlite', path: resolvePath(db.slice('sqlite:'.length)) };
  else
    throw invalidArgument(
      `OSPREY_DB=${JSON.stringify(db)} is not understood: use postgres://user@host:port/db or sqlite:/path/to/file.db`,
    );
  return configSchema.parse({ home, database, artifactsRoot: resolvePath(home, 'artifacts') });
}
