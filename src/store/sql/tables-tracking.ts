/** Row types of the tracking tables (migration 0002). */
// biome-ignore lint/complexity/noBannedTypes: filled in by the tracking store
export type TrackingTables = {};
