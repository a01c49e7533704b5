import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { LocalArtifactStore } from '../../artifacts/local/local-artifact-store.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { openSqlStore } from '../../store/sql/sql-metadata-store.js';
import { createTestSchema } from '../../store/sql/test-support/postgres-schemas.js';
import { type ApiDeps, createApiServer } from '../server.js';

/** A real API server on 127.0.0.1 (random port) over a real store: SQLite in a temp dir, or a fresh PostgreSQL schema. */
export interface TestServer {
  url: string;
  /** The test's private directory (SQLite file, artifacts). */
  home: string;
  store: MetadataStore;
  artifacts: ArtifactStore;
  /** POSTs (or GETs with a query) JSON and returns status and parsed body. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read MLflow responses of many shapes
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export type Backend = 'sqlite' | 'postgres';

/** The backends API suites run on: SQLite always, PostgreSQL when OSPREY_TEST_POSTGRES_URL is set. */
export function backends(): Backend[] {
  return process.env.OSPREY_TEST_POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestServerOptions extends Partial<ApiDeps> {
  /** Turns authentication on with a resolver built over the test's store. */
  tokensFromStore?: (store: MetadataStore) => NonNullable<ApiDeps['tokens']>;
}

export async function startTestServer(backend: Backend, options: TestServerOptions = {}): Promise<TestServer> {
  const { tokensFromStore, ...extra } = options;
  const dir = await mkdtemp(join(tmpdir(), 'osprey-api-test-'));
  let dropSchema: (() => Promise<void>) | undefined;
  let store: MetadataStore;
  if (backend === 'postgres') {
    const schema = await createTestSchema(process.env.OSPREY_TEST_POSTGRES_URL ?? '');
    dropSchema = () => schema.drop();
    store = await openSqlStore({ kind: 'postgres', url: schema.url });
  } else {
    store = await openSqlStore({ kind: 'sqlite', path: join(dir, 'osprey.db') });
  }
  const artifacts = await LocalArtifactStore.open(join(dir, 'artifacts'));
  const app = createApiServer({
    store,
    artifacts,
    version: 'test',
    ...extra,
    ...(tokensFromStore ? { tokens: tokensFromStore(store) } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    home: dir,
    store,
    artifacts,
    async call(method, path, body) {
      let target = `${url}${path}`;
      const init: RequestInit = { method };
      if (method === 'GET' && body && typeof body === 'object') {
        const query = new URLSearchParams();
        for (const [k, v] of Object.entries(body as Record<string, unknown>))
          for (const item of Array.isArray(v) ? v : [v]) query.append(k, String(item));
        target += `?${query}`;
      } else if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        init.headers = { 'content-type': 'application/json' };
      }
      const response = await fetch(target, init);
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: response.status, body: parsed };
    },
    async close() {
      await app.close();
      await store.close();
      await dropSchema?.();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
