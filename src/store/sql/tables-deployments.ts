/** Row types of the deployment tables (migration 0009). */
export interface DeploymentTables {
  deployments: {
    id: string;
    endpoint: string;
    model_name: string;
    alias: string;
    champion_version: string;
    challenger_version: string | null;
    strategy: string;
    phase: string;
    config_json: string;
    state_json: string;
    revision: number;
    created_at: number;
    updated_at: number;
  };
  deployment_decisions: {
    id: string;
    deployment_id: string;
    decision: string;
    from_version: string | null;
    to_version: string | null;
    evidence_json: string;
    decided_at: number;
  };
}
