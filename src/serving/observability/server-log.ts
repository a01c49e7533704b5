/**
 * The model server's log: one event per thing that happened (started, model swapped, rollout decided, a failure),
 * each with a level, a message for people and fields for machines. `osprey serve --log-format json` writes them as
 * JSON lines (`{"time":…,"level":…,"msg":…,"event":…, …fields}`), the default text format the message alone.
 */
export type LogLevel = 'info' | 'warn' | 'error';

export interface LogEvent {
  readonly level: LogLevel;
  /** What a person reads. */
  readonly msg: string;
  /** What a machine filters on, e.g. `rollout_decision`, `model_swapped`, `inference_failed`. */
  readonly event: string;
  readonly [field: string]: string | number | boolean | null | undefined;
}

export type ServerLog = (event: LogEvent) => void;

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function serverLog(format: LogFormat, write: (line: string) => void): ServerLog {
  if (format === 'json')
    return ({ level, msg, event, ...fields }) =>
      write(JSON.stringify({ time: new Date().toISOString(), level, msg, event, ...fields }));
  return ({ level, msg }) => write(level === 'info' ? msg : `${level}: ${msg}`);
}

/**
 * Passes at most one event per key every `everyMs`, telling the next one how many were held back — failures under
 * overload must not turn into a flood of log lines.
 */
export function rateLimited(
  log: ServerLog,
  everyMs: number,
  now: () => number = Date.now,
): (key: string, event: LogEvent) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key, event) => {
    const seen = last.get(key);
    const t = now();
    if (seen !== undefined && t - seen.at < everyMs) {
      seen.suppressed++;
      return;
    }
    last.set(key, { at: t, suppressed: 0 });
    log(seen !== undefined && seen.suppressed > 0 ? { ...event, suppressed: seen.suppressed } : event);
  };
}
