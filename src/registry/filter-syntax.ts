import { invalidArgument } from '../core/errors.js';

/**
 * The syntax of MLflow's registry search filters (mlflow/utils/search_utils.py): comparisons joined by AND,
 *   name LIKE 'iris%' AND tags.`team name` = "vision" AND version_number >= 3 AND run_id IN ('a', 'b')
 * An identifier is `key`, `attribute.key` or `tag(s).key`, where key may be quoted with backticks or double quotes.
 * Values are single- or double-quoted strings (a doubled quote inside stands for one), numbers, or a parenthesised
 * list of strings. Keywords are case-insensitive. This file knows the syntax only; which keys and comparators are
 * allowed is decided by search-filter.ts.
 */
export interface Comparison {
  entity: 'attribute' | 'tag';
  key: string;
  /** Upper-cased: =, !=, <, <=, >, >=, LIKE, ILIKE, IN. */
  comparator: string;
  value: FilterValue;
}

export type FilterValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'list'; values: string[] };

const COMPARATORS = ['<=', '>=', '!=', '<>', '=', '<', '>'];
const KEYWORD_COMPARATORS = ['NOT IN', 'ILIKE', 'LIKE', 'IN'];
const IDENTIFIER_STOP = /[\s=!<>(),']/;

export function parseFilter(filter: string): Comparison[] {
  const parser = new FilterParser(filter);
  return parser.comparisons();
}

class FilterParser {
  private at = 0;
  constructor(private readonly text: string) {}

  comparisons(): Comparison[] {
    const out: Comparison[] = [];
    this.skipSpace();
    if (this.done()) return out;
    for (;;) {
      out.push(this.comparison());
      this.skipSpace();
      if (this.done()) return out;
      if (!this.keyword('AND')) {
        const rest = this.text.slice(this.at);
        if (/^OR\b/i.test(rest))
          throw this.error(`OR is not supported: provide comparisons joined by AND (at '${rest}')`);
        throw this.error(`Invalid clause(s) in filter string: '${rest}'`);
      }
      this.skipSpace();
    }
  }

  private comparison(): Comparison {
    const start = this.at;
    const identifier = this.identifier();
    if (identifier === '') throw this.error(`Invalid clause(s) in filter string: '${this.text.slice(start)}'`);
    this.skipSpace();
    const comparator = this.comparator();
    this.skipSpace();
    return { ...splitIdentifier(identifier, this.text), comparator, value: this.value() };
  }

  private identifier(): string {
    let out = '';
    while (!this.done()) {
      const ch = this.text[this.at] as string;
      if (ch === '`' || ch === '"') out += this.quoted(ch, true);
      else if (IDENTIFIER_STOP.test(ch)) break;
      else {
        out += ch;
        this.at++;
      }
    }
    return out;
  }

  private comparator(): string {
    for (const symbol of COMPARATORS)
      if (this.text.startsWith(symbol, this.at)) {
        this.at += symbol.length;
        return symbol === '<>' ? '!=' : symbol;
      }
    for (const word of KEYWORD_COMPARATORS) if (this.keyword(word)) return word;
    throw this.error(
      `Invalid comparison clause in filter '${this.text}': expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN) at '${this.text.slice(this.at)}'`,
    );
  }

  private value(): FilterValue {
    const ch = this.text[this.at];
    if (ch === "'" || ch === '"') return { kind: 'string', value: this.quoted(ch, false) };
    if (ch === '(') return { kind: 'list', values: this.list() };
    const number = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?(?![\w.])/.exec(this.text.slice(this.at));
    if (number) {
      this.at += number[0].length;
      return { kind: 'number', value: Number(number[0]), text: number[0] };
    }
    throw this.error(
      `Expected a quoted string value, a number or a list of quoted strings in filter '${this.text}' at '${this.text.slice(this.at)}'`,
    );
  }

  private list(): string[] {
    this.at++; // (
    const values: string[] = [];
    for (;;) {
      this.skipSpace();
      const ch = this.text[this.at];
      if (ch !== "'" && ch !== '"')
        throw this.error('While parsing a list in the query, expected a non-empty list of string values');
      values.push(this.quoted(ch, false));
      this.skipSpace();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] === ')') {
        this.at++;
        return values;
      } else throw this.error('While parsing a list in the query, expected "," or ")"');
    }
  }

  /** A quoted run starting at the cursor; a doubled quote stands for one. `keep` returns it with its quotes. */
  private quoted(quote: string, keep: boolean): string {
    let value = '';
    for (let i = this.at + 1; i < this.text.length; i++) {
      if (this.text[i] !== quote) value += this.text[i];
      else if (this.text[i + 1] === quote) {
        value += quote;
        i++;
      } else {
        this.at = i + 1;
        return keep ? `${quote}${value.replaceAll(quote, quote + quote)}${quote}` : value;
      }
    }
    throw this.error(`Unterminated ${quote} quote in filter '${this.text}'`);
  }

  /** Consumes `word` (case-insensitive) when it stands alone at the cursor. */
  private keyword(word: string): boolean {
    const pattern = new RegExp(`^${word.replace(' ', '\\s+')}(?![\\w.])`, 'i');
    const match = pattern.exec(this.text.slice(this.at));
    if (!match) return false;
    this.at += match[0].length;
    return true;
  }

  private skipSpace(): void {
    while (!this.done() && /\s/.test(this.text[this.at] as string)) this.at++;
  }

  private done(): boolean {
    return this.at >= this.text.length;
  }

  private error(message: string) {
    return invalidArgument(message, { field: 'filter' });
  }
}

/** `tags.team` → tag `team`; `attribute.name` or `name` → attribute `name`; quotes around the key are removed. */
function splitIdentifier(identifier: string, filter: string): { entity: 'attribute' | 'tag'; key: string } {
  const dot = firstUnquotedDot(identifier);
  if (dot < 0) return { entity: 'attribute', key: unquote(identifier) };
  const prefix = identifier.slice(0, dot);
  const key = unquote(identifier.slice(dot + 1));
  if (prefix === 'attribute') return { entity: 'attribute', key };
  if (prefix === 'tag' || prefix === 'tags') return { entity: 'tag', key };
  throw invalidArgument(
    `Invalid entity type '${prefix}' in filter '${filter}'. Valid entity types are ('attribute', 'tag', 'tags')`,
    { field: 'filter' },
  );
}

function firstUnquotedDot(identifier: string): number {
  let quote = '';
  for (let i = 0; i < identifier.length; i++) {
    const ch = identifier[i] as string;
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '`' || ch === '"') quote = ch;
    else if (ch === '.') return i;
  }
  return -1;
}

function unquote(key: string): string {
  for (const q of ['`', '"'])
    if (key.length >= 2 && key.startsWith(q) && key.endsWith(q)) return key.slice(1, -1).replaceAll(q + q, q);
  return key;
}
