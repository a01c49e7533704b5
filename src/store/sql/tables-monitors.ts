/** Row types of the monitor tables (migration 0008). */
export interface MonitorTables {
  monitors: {
    id: string;
    name: string;
    config_json: string;
    enabled: number;
    state_json: string;
    created_at: number;
  };
  monitor_alerts: {
    id: string;
    monitor_id: string;
    dedupe_key: string;
    kind: string;
    message: string;
    report_json: string;
    actions_json: string;
    raised_at: number;
  };
  prediction_log: {
    deployment: string;
    request_id: string;
    model_name: string;
    model_version: string;
    at: number;
    features_json: string;
    prediction_json: string;
    scores_json: string | null;
    label_json: string | null;
    labeled_at: number | null;
  };
}
