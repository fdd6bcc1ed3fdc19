import { timerDelay } from './timer-delay.js';

/** A permit that can be released exactly once (Java `SemaphoreReleaseOnlyOnce`). */
export interface Permit {
  release(): void;
}

interface Waiter {
  grant(permit: Permit): void;
}

/**
 * A fair (FIFO) counting semaphore bounding in-flight async or oneway calls. Acquiring never blocks
 * the event loop; waiters are served in arrival order.
 */
export class Semaphore {
  private available: number;
  private readonly waiters: Waiter[] = [];
  private waitersHead = 0;

  constructor(readonly permits: number) {
    this.available = permits;
  }

  get availablePermits(): number {
    return this.available;
  }

  get queueLength(): number {
    return this.waiters.length - this.waitersHead;
  }

  /** A permit now, or null when none is free (no waiting). */
  tryAcquire(): Permit | null {
    if (this.available > 0 && this.queueLength === 0) {
      this.available--;
      return this.makePermit();
    }
    return null;
  }

  /**
   * Waits at most `timeoutMs` for a permit; resolves null on timeout or abort (the caller chooses the
   * error, which differs for async and oneway calls).
   */
  acquire(timeoutMs: number, signal?: AbortSignal): Promise<Permit | null> {
    const now = this.tryAcquire();
    if (now !== null) return Promise.resolve(now);
    if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      let settled = false;
      const finish = (permit: Permit | null): void => {
        if (settled) {
          permit?.release();
          return;
        }
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(permit);
      };
      const onAbort = (): void => finish(null);
      const timer = setTimeout(() => finish(null), timerDelay(timeoutMs));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push({ grant: finish });
    });
  }

  private makePermit(): Permit {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.releaseOne();
      },
    };
  }

  private releaseOne(): void {
    if (this.waitersHead < this.waiters.length) {
      const waiter = this.waiters[this.waitersHead]!;
      this.waitersHead++;
      if (this.waitersHead > 1024 && this.waitersHead * 2 > this.waiters.length) {
        this.waiters.splice(0, this.waitersHead);
        this.waitersHead = 0;
      }
      // A waiter that already timed out hands the permit straight back through release().
      waiter.grant(this.makePermit());
      return;
    }
    this.available++;
  }
}
