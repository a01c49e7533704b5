/** A `node:net` server bound and listening — the step both of the model server's protocol layers start with. */
import type { Server } from 'node:net';

/** Listens on host:port; rejects with the bind error (e.g. EADDRINUSE). */
export function listenOn(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The port a listening server is bound to (0 before it listens). */
export function boundPort(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
