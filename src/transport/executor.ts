import { ExecutorRejectedError } from './errors.js';

export interface ExecutorOptions {
  /** Name shown in errors and metrics. */
  name?: string;
  /** Tasks running at once (Java: pool threads). Default 64. */
  concurrency?: number;
  /** Tasks waiting beyond `concurrency`; more are refused at once (Java: bounded queue). Default 10 000. */
  queueSize?: number;
}

/**
 * This runtime's stand-in for a per-code thread pool: a named concurrency limit with a bounded FIFO
 * queue. One slow business line saturates its own executor and gets `SYSTEM_BUSY [OVERLOAD]`
 * answers, while the others keep their capacity (docs/engine-api.md).
 */
export class Executor {
  readonly name: string;
  readonly concurrency: number;
  readonly queueSize: number;
  private running = 0;
  private readonly queue: Array<() => void> = [];
  private queueHead = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(options: ExecutorOptions = {}) {
    this.name = options.name ?? 'default';
    this.concurrency = options.concurrency ?? 64;
    this.queueSize = options.queueSize ?? 10_000;
    if (!(this.concurrency >= 1)) throw new RangeError(`executor ${this.name}: concurrency must be >= 1`);
    if (!(this.queueSize >= 0)) throw new RangeError(`executor ${this.name}: queueSize must be >= 0`);
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.queue.length - this.queueHead;
  }

  /** True when a task submitted now would be refused. */
  get saturated(): boolean {
    return this.running >= this.concurrency && this.queued >= this.queueSize;
  }

  /**
   * Runs `task` when a slot is free. Rejects at once with `ExecutorRejectedError` when the queue is
   * full; otherwise settles with the task's outcome.
   */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    if (this.running < this.concurrency) return this.start(task);
    if (this.queued >= this.queueSize) return Promise.reject(new ExecutorRejectedError(this.name));
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => {
        this.start(task).then(resolve, reject);
      });
    });
  }

  /**
   * Takes a slot for a task the caller runs itself, right now; false when none is free (then `run`
   * queues the task). Each `true` must be paired with exactly one `release()`. This is how the
   * engine runs a synchronous processor without allocating a promise.
   */
  tryAcquire(): boolean {
    // A waiting queue implies every slot is taken, so a free slot never jumps the queue.
    if (this.running >= this.concurrency) return false;
    this.running++;
    return true;
  }

  /** Gives back a slot taken with `tryAcquire`, starting the next queued task if any. */
  release(): void {
    this.running--;
    this.next();
  }

  /** Resolves when nothing runs or waits (used by graceful shutdown). */
  onIdle(): Promise<void> {
    if (this.running === 0 && this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async start<T>(task: () => T | Promise<T>): Promise<T> {
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.next();
    }
  }

  private next(): void {
    if (this.queueHead < this.queue.length) {
      const job = this.queue[this.queueHead]!;
      this.queueHead++;
      if (this.queueHead === this.queue.length) {
        this.queue.length = 0;
        this.queueHead = 0;
      }
      job();
    } else if (this.running === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
