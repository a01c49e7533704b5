import { invalidArgument } from './errors.js';

/** Names of datasets (and later experiments, models): letters, digits, `_`, `-`, `.`, `/`; no `@`. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,199}$/;

export function validateName(kind: string, name: string): string {
  if (!NAME_PATTERN.test(name) || name.includes('..') || name.endsWith('/')) {
    throw invalidArgument(
      `invalid ${kind} name ${JSON.stringify(name)}: use 1–200 letters, digits, '_', '-', '.', '/', starting with a letter or digit`,
      { [kind]: name },
    );
  }
  return name;
}
