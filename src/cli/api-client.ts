import type { FastifyInstance } from 'fastify';
import { MlflowClient } from '../client/mlflow-client.js';
import { httpTransport, parseJson, queryString, type Transport } from '../client/transport.js';
import { type Context, openContext } from './context.js';
import { runStarter } from './run-starter.js';
import { OSPREY_VERSION } from './version.js';

/** A client and how to let it go. */
export interface ApiSession {
  client: MlflowClient;
  transport: Transport;
  /** Where the client talks to: the server's URL, or "embedded (<home>)". */
  where: string;
  close(): Promise<void>;
}

/**
 * The CLI's one way into the API. With OSPREY_URL set it talks HTTP to that server (OSPREY_TOKEN as bearer token);
 * otherwise it builds the same API server in-process over $OSPREY_HOME and injects requests into it, so both modes
 * run the same routes, validation and errors.
 */
export async function openApiSession(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<ApiSession> {
  const url = env.OSPREY_URL?.trim();
  if (url) {
    const transport = httpTransport(url, env.OSPREY_TOKEN ? { token: env.OSPREY_TOKEN } : {});
    return { client: new MlflowClient(transport), transport, where: url, close: async () => {} };
  }
  const ctx = await openContext(env);
  const session = await embeddedSession(ctx);
  return {
    ...session,
    async close() {
      await session.close();
      await ctx.close();
    },
  };
}

/** The API over an open context, in-process; closing it leaves the context open. */
export async function embeddedSession(ctx: Context): Promise<ApiSession> {
  const { createApiServer } = await import('../api/server.js');
  const app = createApiServer({
    store: ctx.store,
    artifacts: ctx.artifacts,
    version: OSPREY_VERSION,
    startRun: runStarter(ctx, 'wait'),
  });
  await app.ready();
  const transport = injectTransport(app);
  return {
    client: new MlflowClient(transport),
    transport,
    where: `embedded (${ctx.config.home})`,
    close: () => app.close(),
  };
}

export async function withApi<T>(work: (session: ApiSession) => Promise<T>): Promise<T> {
  const session = await openApiSession();
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

function injectTransport(app: FastifyInstance): Transport {
  return {
    async request(method, path, { query, body, raw } = {}) {
      const response = await app.inject({
        method: method as 'GET',
        url: `${path}${queryString(query)}`,
        ...(raw
          ? { payload: Buffer.from(raw), headers: { 'content-type': 'application/octet-stream' } }
          : body !== undefined
            ? { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
            : {}),
      });
      const bytes = new Uint8Array(response.rawPayload);
      return {
        status: response.statusCode,
        bytes,
        json: parseJson(String(response.headers['content-type'] ?? ''), bytes),
      };
    },
  };
}
