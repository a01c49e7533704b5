import { expectOk, type Transport } from './transport.js';

/** A dataset version as Osprey's API returns it. */
export interface DatasetVersionJson {
  name: string;
  version: number;
  ref: string;
  digest: string;
  row_count: number;
  rejected_row_count: number;
  format: string;
  source: string;
  created_at: number;
  schema: { columns: { name: string; type: string }[] };
  profile?: unknown;
}

/** Osprey's own dataset API (read-only). */
export class DatasetsClient {
  constructor(private readonly transport: Transport) {}

  /** The version named by a ref (`name@3`, a digest or prefix…); undefined when none matches. */
  async find(ref: string): Promise<DatasetVersionJson | undefined> {
    const reply = await this.transport.request('GET', '/api/2.0/osprey/datasets/versions/get', {
      query: { ref, include_profile: false },
    });
    if (reply.status === 404) return undefined;
    return expectOk<{ version: DatasetVersionJson }>(reply, 'get dataset version').version;
  }
}
