import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type LogEvent, rateLimited, serverLog } from './server-log.js';

const event: LogEvent = {
  level: 'warn',
  event: 'alias_check_failed',
  msg: 'churn: alias check failed',
  model: 'churn',
};

describe('server log', () => {
  it('writes one JSON object per line with time, level, message, event and fields; text is the message', () => {
    const lines: string[] = [];
    serverLog('json', (line) => lines.push(line))(event);
    serverLog('text', (line) => lines.push(line))(event);
    serverLog('text', (line) => lines.push(line))({ ...event, level: 'info' });
    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ['time', 'level', 'msg', 'event', 'model']);
    assert.ok(!Number.isNaN(Date.parse(String(parsed.time))));
    assert.deepEqual([parsed.level, parsed.event, parsed.model], ['warn', 'alias_check_failed', 'churn']);
    assert.deepEqual(lines.slice(1), ['warn: churn: alias check failed', 'churn: alias check failed']);
  });

  it('passes one event per key and interval, and tells the next how many it held back', () => {
    let now = 0;
    const seen: LogEvent[] = [];
    const log = rateLimited(
      (e) => seen.push(e),
      10_000,
      () => now,
    );
    for (let i = 0; i < 5; i++) log('a', event);
    log('b', event);
    now = 10_000;
    log('a', event);
    assert.deepEqual(
      seen.map((e) => e.suppressed),
      [undefined, undefined, 4],
    );
  });
});
