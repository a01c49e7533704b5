/**
 * Experiments, runs, params, metrics, tags and dataset inputs: MLflow's tracking model.
 * (Issue 3 fills this in; see mlflow/store/tracking/abstract_store.py for the contract it follows.)
 */
export interface TrackingRepository {
  readonly kind: 'tracking';
}
