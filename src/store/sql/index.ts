/** The SQL implementation of the MetadataStore; composition roots open it with `openSqlStore`. */
export { openSqlStore } from './sql-metadata-store.js';
