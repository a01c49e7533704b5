import { invalidArgument } from '../core/errors.js';

/**
 * Tokens of MLflow's search and order_by strings (the SQL subset sqlparse accepts there):
 * identifiers (`metrics.rmse`, `tags."my key"`, `` params.`a b` ``, `tags.mlflow.runName`), single-quoted strings
 * (`''` or `\'` for a quote), numbers (`-1.5e3`), comparison operators, keywords and punctuation.
 */
export type Token =
  | { type: 'identifier'; text: string }
  | { type: 'string'; text: string; value: string }
  | { type: 'number'; text: string; value: number }
  | { type: 'operator'; text: string }
  | { type: 'keyword'; text: string; upper: string }
  | { type: 'punctuation'; text: '(' | ')' | ',' };

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'ILIKE', 'IN', 'IS', 'NULL', 'ASC', 'DESC']);
const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])/;
const OPERATOR = /^(?:!=|<>|>=|<=|=|>|<)/;
const WORD = /^[\p{L}\p{N}_]+/u;

export function tokenize(input: string, what: string): Token[] {
  const tokens: Token[] = [];
  let rest = input.trimStart();
  while (rest.length > 0) {
    const token = readToken(rest);
    if (!token) throw invalidArgument(`Invalid ${what} '${input}': unexpected ${JSON.stringify(rest.slice(0, 20))}`);
    tokens.push(token);
    rest = rest.slice(token.text.length).trimStart();
  }
  return tokens;
}

/** The token at the start of `input` (which starts with a non-space), or undefined when none fits. */
function readToken(input: string): Token | undefined {
  const ch = input[0];
  if (ch === "'") {
    const string = readString(input);
    return string && { type: 'string', ...string };
  }
  if (ch === '(' || ch === ')' || ch === ',') return { type: 'punctuation', text: ch };
  const number = NUMBER.exec(input);
  if (number) return { type: 'number', text: number[0], value: Number(number[0]) };
  const operator = OPERATOR.exec(input);
  if (operator) return { type: 'operator', text: operator[0] };
  const text = readIdentifier(input);
  if (text === undefined) return undefined;
  const upper = text.toUpperCase();
  return KEYWORDS.has(upper) ? { type: 'keyword', text, upper } : { type: 'identifier', text };
}

/** A quoted string from the start of `input`, its text (with quotes) and unescaped value. */
function readString(input: string): { text: string; value: string } | undefined {
  let value = '';
  for (let i = 1; i < input.length; i++) {
    const ch = input[i];
    if (ch === '\\' && input[i + 1] === "'") {
      value += "'";
      i++;
    } else if (ch === "'") {
      if (input[i + 1] !== "'") return { text: input.slice(0, i + 1), value };
      value += "'";
      i++;
    } else value += ch;
  }
  return undefined;
}

/** Words, dots, and "…" or `…` quoted parts, run together: `tags."a b"`, `metrics.loss`, `"run name"`. */
function readIdentifier(input: string): string | undefined {
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch === '"' || ch === '`') {
      const end = input.indexOf(ch, i + 1);
      if (end < 0) return undefined;
      i = end + 1;
      continue;
    }
    if (ch === '.') {
      i++;
      continue;
    }
    const word = WORD.exec(input.slice(i));
    if (!word) break;
    i += word[0].length;
  }
  return i > 0 ? input.slice(0, i) : undefined;
}

export function isQuoted(text: string): boolean {
  return text.length >= 2 && (text[0] === '"' || text[0] === '`') && text.at(-1) === text[0];
}

export function unquote(text: string): string {
  return isQuoted(text) ? text.slice(1, -1) : text;
}

/** `entity.key` split at the first dot outside quotes; a lone name is the key of an attribute. */
export function splitIdentifier(text: string): { entity: string | undefined; key: string } {
  if (isQuoted(text)) return { entity: undefined, key: unquote(text) };
  const dot = text.indexOf('.');
  if (dot < 0) return { entity: undefined, key: text };
  return { entity: unquote(text.slice(0, dot)), key: unquote(text.slice(dot + 1)) };
}
