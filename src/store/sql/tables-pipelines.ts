/** Row types of the pipeline tables (migration 0005). JSON is text; times are epoch millis. */
export interface PipelineTables {
  pipeline_runs: {
    id: string;
    pipeline_name: string;
    spec_digest: string;
    spec_json: string;
    params_json: string;
    base_dir: string;
    environment_json: string;
    status: string;
    created_at: number;
    started_at: number | null;
    ended_at: number | null;
    error: string | null;
    seed: number;
    use_cache: number;
    reproduces_run_id: string | null;
    runner: string;
  };
  pipeline_tasks: {
    id: string;
    run_id: string;
    /** Creation order within the run. */
    seq: number;
    path: string;
    kind: string;
    status: string;
    outputs_json: string | null;
    cache_key: string | null;
    cached_from_run_id: string | null;
    error: string | null;
    started_at: number | null;
    ended_at: number | null;
  };
  pipeline_attempts: {
    id: string;
    task_id: string;
    run_id: string;
    number: number;
    status: string;
    log_path: string;
    image: string | null;
    exit_code: number | null;
    signal: string | null;
    started_at: number;
    ended_at: number | null;
    duration_ms: number | null;
    error: string | null;
  };
  pipeline_cache: {
    cache_key: string;
    outputs_json: string;
    run_id: string;
    task_path: string;
    created_at: number;
  };
}
