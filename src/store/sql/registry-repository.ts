import type { RegistryRepository } from '../registry.js';
import type { SqlContext } from './transactions.js';

/** The model registry over Kysely. */
export class SqlRegistryRepository implements RegistryRepository {
  readonly kind = 'registry';
  constructor(readonly ctx: SqlContext) {}
}
