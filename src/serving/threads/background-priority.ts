/**
 * Background threads (the prediction log's writer) run at the lowest CPU priority, so that under load the server's
 * event loop keeps the cores: such a thread uses the CPU left idle, and when there is none it falls behind — its
 * own bounded queue then drops and counts what it cannot take — instead of slowing requests down.
 *
 * Linux gives each thread its own nice value: `setpriority` on the thread's id (read from /proc/thread-self)
 * lowers this thread alone. Elsewhere, or where the system refuses, nothing changes.
 */
import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';

/** Lowers the calling thread to the lowest priority; returns whether it applied. */
export function lowerThreadPriority(): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isSafeInteger(tid) || tid <= 0) return false;
    setPriority(tid, constants.priority.PRIORITY_LOW);
    return true;
  } catch {
    return false;
  }
}
