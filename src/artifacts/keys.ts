import { invalidArgument } from '../core/errors.js';

/**
 * Key safety for every artifact store. A key is a `/`-separated relative path such as `model/model.onnx`.
 * Keys arrive from URLs and clients, so they are percent-decoded until stable and then checked; anything that
 * could name a file outside the store is INVALID_ARGUMENT. The checklist is MLflow's path traversal CVEs
 * (CVE-2023-1177, CVE-2023-2780, CVE-2023-6909, CVE-2024-1558): `..` in any encoding, absolute paths, drive
 * letters, backslashes, NUL, and `#`/`?`/`;` that URL parsers treat as delimiters. A literal `%` cannot survive
 * decoding, so keys never contain one.
 */

/** Rounds of percent-decoding before a key counts as maliciously nested. */
export const MAX_DECODE_ROUNDS = 10;
/** Limits of a decoded key, in UTF-8 bytes (S3's key limit; common file systems' name limit). */
export const MAX_KEY_BYTES = 1024;
export const MAX_SEGMENT_BYTES = 255;

/** Decodes and validates a key; returns it decoded (`a%20b/c.txt` → `a b/c.txt`). */
export function normalizeKey(key: string): string {
  const decoded = decodeKey(key);
  checkDecoded(decoded, key);
  return decoded;
}

/** As `normalizeKey`, but '' names the root and one trailing `/` is allowed (`model/` → `model`). */
export function normalizePrefix(prefix: string): string {
  const decoded = decodeKey(prefix);
  if (decoded === '') return '';
  const trimmed = decoded.length > 1 && decoded.endsWith('/') ? decoded.slice(0, -1) : decoded;
  checkDecoded(trimmed, prefix);
  return trimmed;
}

function reject(raw: string, reason: string): never {
  throw invalidArgument(`artifact path ${JSON.stringify(raw)} is not allowed: ${reason}`, { key: raw });
}

function decodeKey(raw: string): string {
  if (typeof raw !== 'string') reject(String(raw), 'it must be a string');
  let current = raw;
  for (let round = 0; round <= MAX_DECODE_ROUNDS; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      reject(raw, 'it has malformed percent-encoding (a literal "%" or an invalid UTF-8 sequence)');
    }
    if (next === current) return current;
    current = next;
  }
  return reject(raw, `it is percent-encoded more than ${MAX_DECODE_ROUNDS} times`);
}

const CONTROL = /[\p{Cc}\p{Cs}]/u;
const DRIVE = /^[A-Za-z]:/;
const DELIMITERS = /[#?;]/;

/** Checks the decoded key and its NFKC form (so `．．／` cannot become `../` on a normalizing system). */
function checkDecoded(decoded: string, raw: string): void {
  if (decoded === '') reject(raw, 'it is empty');
  checkForm(decoded, raw);
  const compat = decoded.normalize('NFKC');
  if (compat !== decoded) checkForm(compat, raw);
  if (Buffer.byteLength(decoded) > MAX_KEY_BYTES) reject(raw, `it is longer than ${MAX_KEY_BYTES} bytes`);
}

function checkForm(path: string, raw: string): void {
  if (CONTROL.test(path)) reject(raw, 'it contains a control character or an unpaired surrogate');
  if (path.includes('\\')) reject(raw, 'it contains a backslash');
  if (path.startsWith('/')) reject(raw, 'it is absolute (starts with "/")');
  if (DRIVE.test(path)) reject(raw, 'it starts with a drive letter');
  if (DELIMITERS.test(path)) reject(raw, 'it contains "#", "?" or ";"');
  for (const segment of path.split('/')) {
    if (segment === '') reject(raw, 'it has an empty segment ("//" or a trailing "/")');
    if (/^\.+$/.test(segment)) reject(raw, `it has a "${segment}" segment`);
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES)
      reject(raw, `a segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
}

/** Joins a normalized prefix and a child name into a key. */
export function joinKey(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}/${name}`;
}
