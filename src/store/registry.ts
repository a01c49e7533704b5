/**
 * Registered models, model versions, tags and aliases: MLflow's model registry.
 * (Issue 3 fills this in; see mlflow/store/model_registry/abstract_store.py for the contract it follows.)
 */
export interface RegistryRepository {
  readonly kind: 'registry';
}
