/** Row types of the registry tables (migration 0003). */
// biome-ignore lint/complexity/noBannedTypes: filled in by the registry store
export type RegistryTables = {};
