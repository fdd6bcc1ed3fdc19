import type { DiscoverySource, InstanceSet } from '../../src/discovery/source.js';
import type { DiscoveryError } from '../../src/discovery/errors.js';

/**
 * Waits for a source event rather than for time to pass. The deadline only turns a hang into a
 * failure with a useful message; nothing here waits a fixed time.
 */
export function waitForSet(source: DiscoverySource, predicate: (set: InstanceSet) => boolean, deadlineMs = 15_000): Promise<InstanceSet> {
  return new Promise((resolve, reject) => {
    let unsubscribe = (): void => undefined;
    const timer = setTimeout(() => {
      unsubscribe();
      const current = source.current();
      reject(new Error(`${source.name}: no matching instance set within ${deadlineMs} ms; current v${current.version}: ${addrs(current)}; last error: ${source.lastError()?.message ?? 'none'}`));
    }, deadlineMs);
    const check = (set: InstanceSet): boolean => {
      if (!predicate(set)) return false;
      clearTimeout(timer);
      unsubscribe();
      resolve(set);
      return true;
    };
    if (check(source.current())) return;
    unsubscribe = source.subscribe(check);
  });
}

export function waitForError(source: DiscoverySource, predicate: (error: DiscoveryError) => boolean = () => true, deadlineMs = 15_000): Promise<DiscoveryError> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`${source.name}: no matching error within ${deadlineMs} ms`));
    }, deadlineMs);
    const unsubscribe = source.onError((error) => {
      if (!predicate(error)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(error);
    });
  });
}

export function addrs(set: InstanceSet): string {
  return set.instances.map((instance) => instance.addr).join(',');
}

/** Waits for a condition that another part of the test (a server) updates asynchronously; checked once per event-loop turn, bounded by the deadline. */
export async function waitUntil(condition: () => boolean, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
