import { notFound } from '../core/errors.js';
import type { ModelRepository, ModelToLoad } from './model-repository.js';

/** Several repositories served together (e.g. `--model` references and `--endpoint` deployments); names are unique. */
export class CombinedModelRepository implements ModelRepository {
  readonly description: string;

  constructor(private readonly parts: readonly ModelRepository[]) {
    this.description = parts.map((p) => p.description).join('; ');
  }

  async names(): Promise<string[]> {
    return (await Promise.all(this.parts.map((p) => p.names()))).flat().sort();
  }

  async resolve(name: string): Promise<ModelToLoad> {
    for (const part of this.parts) if ((await part.names()).includes(name)) return part.resolve(name);
    throw notFound(`no model '${name}' in ${this.description}`, { model: name });
  }
}
