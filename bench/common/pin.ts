import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Pins this process (every thread) to `core` with `taskset`; false when that is not possible here. */
export function pinSelf(core: number): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * When `pin` is asked for, pins this (client) process to core 0, leaving core 1 to the server
 * children; warns and returns false when that is not possible (taskset missing, fewer than 2 cores).
 */
export function pinClient(pin: boolean): boolean {
  const pinned = pin && os.cpus().length >= 2 && pinSelf(0);
  if (pin && !pinned) console.error('warning: could not pin to cores (taskset missing or fewer than 2 cores); running unpinned');
  return pinned;
}
