import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A fresh, empty schema on the test server, and a store URL whose search_path points at it. */
export interface TestSchema {
  name: string;
  url: string;
  /** Runs SQL on the server as the test's own client (outside any store). */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

export async function createTestSchema(baseUrl: string): Promise<TestSchema> {
  const name = `osprey_t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  await client.query(`create schema ${name}`);
  const separator = baseUrl.includes('?') ? '&' : '?';
  return {
    name,
    url: `${baseUrl}${separator}options=${encodeURIComponent(`-c search_path=${name}`)}`,
    query: async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) =>
      (await client.query<R>(text, values)).rows,
    drop: async () => {
      try {
        await client.query(`drop schema ${name} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
