import { execFileSync } from 'node:child_process';

/** Pins this process (every thread) to `core` with `taskset`; false when that is not possible here. */
export function pinSelf(core: number): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
