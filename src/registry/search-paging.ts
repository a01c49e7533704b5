import { invalidArgument } from '../core/errors.js';
import type { ModelOrderField, OrderBy, VersionOrderField } from '../store/registry.js';

/**
 * order_by, max_results and page tokens of MLflow's registry searches. Page tokens are MLflow's: base64 of
 * `{"offset": N}`, so a token from either server reads the same.
 */
export const MODEL_SEARCH = { defaultMax: 100, limit: 1000 } as const;
export const VERSION_SEARCH = { defaultMax: 10_000, limit: 200_000 } as const;

export function maxResults(value: number | undefined, bounds: { defaultMax: number; limit: number }): number {
  if (value === undefined) return bounds.defaultMax;
  if (!Number.isSafeInteger(value) || value < 1 || value > bounds.limit)
    throw invalidArgument(
      `Invalid value for request parameter max_results. It must be at most ${bounds.limit} and at least 1, but got value ${value}`,
      { field: 'max_results' },
    );
  return value;
}

const MODEL_ORDER_KEYS: Record<string, ModelOrderField> = {
  name: 'name',
  timestamp: 'updatedAt',
  last_updated_timestamp: 'updatedAt',
  creation_timestamp: 'createdAt',
};

const VERSION_ORDER_KEYS: Record<string, VersionOrderField> = {
  name: 'name',
  version_number: 'version',
  creation_timestamp: 'createdAt',
  last_updated_timestamp: 'updatedAt',
};

/** MLflow's default order of model versions. */
export const DEFAULT_VERSION_ORDER = ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'];

export function parseModelOrder(orderBy: readonly string[]): OrderBy<ModelOrderField>[] {
  return parseOrder(orderBy, MODEL_ORDER_KEYS);
}

export function parseVersionOrder(orderBy: readonly string[]): OrderBy<VersionOrderField>[] {
  return parseOrder(orderBy.length > 0 ? orderBy : DEFAULT_VERSION_ORDER, VERSION_ORDER_KEYS);
}

/** `key [ASC|DESC]`, key optionally `attribute.key` and quoted with backticks; each field at most once. */
function parseOrder<F extends string>(clauses: readonly string[], keys: Record<string, F>): OrderBy<F>[] {
  const seen = new Set<F>();
  return clauses.map((clause) => {
    const match = /^\s*(?:attribute\.)?(`?)([A-Za-z_]+)\1(?:\s+(asc|desc))?\s*$/i.exec(clause);
    const field = match ? keys[match[2] as string] : undefined;
    if (!match || field === undefined)
      throw invalidArgument(
        `Invalid order_by clause '${clause}'. Use one of ${Object.keys(keys).join(', ')}, optionally followed by ASC or DESC`,
        { field: 'order_by' },
      );
    if (seen.has(field))
      throw invalidArgument(`\`order_by\` contains duplicate fields: ${JSON.stringify(clauses)}`, {
        field: 'order_by',
      });
    seen.add(field);
    return { field, ascending: (match[3] ?? 'asc').toLowerCase() === 'asc' };
  });
}

export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }).replace(':', ': ')).toString('base64');
}

export function decodePageToken(token: string | undefined): number {
  if (!token) return 0;
  let offset: unknown;
  try {
    const text = Buffer.from(token, 'base64').toString('utf8');
    if (Buffer.from(text).toString('base64').replace(/=+$/, '') !== token.replace(/=+$/, '')) throw new Error();
    offset = (JSON.parse(text) as { offset?: unknown }).offset;
  } catch {
    throw invalidArgument(`Invalid page token ${JSON.stringify(token)}: it was not returned by this server`, {
      field: 'page_token',
    });
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0)
    throw invalidArgument(`Invalid page token ${JSON.stringify(token)}: it names no offset`, { field: 'page_token' });
  return offset;
}
