/**
 * What a soak run reads from the process to prove it left nothing behind: live timers and sockets
 * (by async resource type, unref'd timers included), Node's public `getActiveResourcesInfo()` view
 * (ref'd resources only), and the heap after a full garbage collection.
 */
import { createHook, type AsyncHook } from 'node:async_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The async resource types a leak would show up as. */
const WATCHED = new Set(['Timeout', 'Immediate', 'TCPWRAP', 'TCPSERVERWRAP', 'TCPCONNECTWRAP', 'SHUTDOWNWRAP', 'WRITEWRAP', 'PIPEWRAP']);

/**
 * Counts live async resources of the watched types: created (`init`) and not yet destroyed. A
 * timer is destroyed when it fires (not repeating) or is cleared, a socket handle when it closes;
 * unlike `getActiveResourcesInfo()`, unref'd timers (idle and sweep timers) count too.
 */
export class LiveResources {
  private readonly live = new Map<number, string>();
  private readonly hook: AsyncHook;

  constructor() {
    this.hook = createHook({
      init: (asyncId, type) => {
        if (WATCHED.has(type)) this.live.set(asyncId, type);
      },
      destroy: (asyncId) => {
        this.live.delete(asyncId);
      },
    });
  }

  enable(): this {
    this.hook.enable();
    return this;
  }

  disable(): void {
    this.hook.disable();
  }

  /** Live resources by type, e.g. `{ Timeout: 2, TCPWRAP: 1 }`; types with none are left out. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const type of this.live.values()) counts[type] = (counts[type] ?? 0) + 1;
    return counts;
  }
}

/** `process.getActiveResourcesInfo()` as counts by type (ref'd resources keeping the loop alive). */
export function activeResourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

let gcFunction: (() => void) | null = null;

/**
 * The V8 `gc()` function, without needing `node --expose-gc` on the command line (`npm test` and
 * `npm run bench` start plain `node`): the flag is set at run time and `gc` read from a fresh context.
 */
function gc(): () => void {
  if (gcFunction === null) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (typeof exposed === 'function') {
      gcFunction = exposed;
    } else {
      setFlagsFromString('--expose-gc');
      gcFunction = runInNewContext('gc') as () => void;
    }
  }
  return gcFunction;
}

/**
 * `heapUsed` after full collections. Several rounds with turns of the event loop in between, so
 * that objects freed by finalizers and by callbacks of closed handles are gone too.
 */
export async function settledHeapUsed(): Promise<number> {
  const collect = gc();
  for (let round = 0; round < 4; round++) {
    collect();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  collect();
  return process.memoryUsage().heapUsed;
}
