/**
 * Hands out Argo names: lower-case letters, digits and '-', starting with a letter, at most 63 characters,
 * unique among the names this registry has given (a second `train` becomes `train-2`).
 */
export class ArgoNames {
  private readonly used = new Set<string>();

  claim(wanted: string): string {
    const base = toArgoName(wanted);
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base.slice(0, 60 - String(n).length)}-${n}`;
    this.used.add(name);
    return name;
  }
}

export function toArgoName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '')
    .slice(0, 58)
    .replace(/-+$/, '');
  return name || 'x';
}

/** An Argo parameter or artifact name derived from text: letters, digits, '-' and '_'. */
export function toArgoIdentifier(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 100);
}
