/** Row types of the trigger tables (migration 0006). */
export interface TriggerTables {
  triggers: {
    id: string;
    name: string;
    kind: 'schedule' | 'dataset' | 'code' | 'api';
    pipeline: string;
    config_json: string;
    params_json: string;
    enabled: number;
    state_json: string;
    created_at: number;
  };
  trigger_events: {
    id: string;
    trigger_id: string;
    dedupe_key: string;
    reason: string;
    params_json: string;
    fired_at: number;
    run_id: string | null;
    error: string | null;
  };
}
