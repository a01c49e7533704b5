import type { TrackingRepository } from '../tracking.js';
import type { SqlContext } from './transactions.js';

/** Tracking over Kysely. */
export class SqlTrackingRepository implements TrackingRepository {
  readonly kind = 'tracking';
  constructor(readonly ctx: SqlContext) {}
}
