import { RemotingError } from '../errors.js';
import { jittered, OwnedTimer } from '../discovery/timing.js';

export type HealthState = 'unknown' | 'healthy' | 'unhealthy';

/** Sends one probe; resolves true when the instance answered healthy (never rejects). */
export type ProbeFunction = (addr: string, timeoutMs: number, signal: AbortSignal) => Promise<boolean>;

export interface ActiveProbeOptions {
  /** Between probes of one instance (default 5 000 ms), moved by ±`jitter`. */
  readonly intervalMs?: number;
  /** Per probe (default 1 000 ms). */
  readonly timeoutMs?: number;
  /** Consecutive failed probes before an instance is unhealthy (default 2). */
  readonly unhealthyThreshold?: number;
  /** Consecutive good probes before an unhealthy instance is healthy again (default 2). */
  readonly healthyThreshold?: number;
  /** Fraction of the interval to jitter by (default 0.2). */
  readonly jitter?: number;
  /**
   * Stop probing a healthy instance this consumer has not sent a call to for this long (default
   * 60 000 ms). Unhealthy instances are probed until they recover, so they can be readmitted.
   */
  readonly idleAfterMs?: number;
  readonly random?: () => number;
}

interface Entry {
  readonly addr: string;
  state: HealthState;
  lastUsed: number;
  /** When real traffic last succeeded: a probe inside the same interval would tell nothing new. */
  lastSuccess: number;
  failures: number;
  successes: number;
  readonly timer: OwnedTimer;
  probing: AbortController | undefined;
}

export type HealthListener = (id: string, state: HealthState) => void;

/**
 * Active health checking, per consumer (decentralised: each node has its own view).
 *
 * Only instances this consumer actually calls are probed: `use` starts probing an instance, and a
 * healthy one that has not been used for `idleAfterMs` is dropped. So a consumer of a 10 000-node
 * fleet that talks to 50 of them probes 50. A probe is also skipped while real calls to the instance
 * keep succeeding (`succeeded`): traffic is better evidence than a probe.
 */
export class ActiveProber {
  readonly #probe: ProbeFunction;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #unhealthyThreshold: number;
  readonly #healthyThreshold: number;
  readonly #jitter: number;
  readonly #idleAfterMs: number;
  readonly #random: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Set<HealthListener>();
  #probesSent = 0;
  #closed = false;

  constructor(probe: ProbeFunction, options: ActiveProbeOptions = {}) {
    this.#probe = probe;
    this.#intervalMs = positive(options.intervalMs ?? 5_000, 'intervalMs');
    this.#timeoutMs = positive(options.timeoutMs ?? 1_000, 'timeoutMs');
    this.#unhealthyThreshold = positive(options.unhealthyThreshold ?? 2, 'unhealthyThreshold');
    this.#healthyThreshold = positive(options.healthyThreshold ?? 2, 'healthyThreshold');
    this.#jitter = options.jitter ?? 0.2;
    this.#idleAfterMs = positive(options.idleAfterMs ?? 60_000, 'idleAfterMs');
    this.#random = options.random ?? Math.random;
  }

  /** Instances being probed right now. */
  get probedCount(): number {
    return this.#entries.size;
  }

  /** Probes sent since creation (for tests and metrics). */
  get probesSent(): number {
    return this.#probesSent;
  }

  state(id: string): HealthState {
    return this.#entries.get(id)?.state ?? 'unknown';
  }

  /** Unknown counts as available: an instance is presumed healthy until probes say otherwise. */
  isAvailable(id: string): boolean {
    return this.#entries.get(id)?.state !== 'unhealthy';
  }

  onChange(listener: HealthListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** This consumer is sending a call to `id`: probe it from now on (first probe one interval later). */
  use(id: string, addr: string): void {
    if (this.#closed) return;
    const now = performance.now();
    const existing = this.#entries.get(id);
    if (existing !== undefined) {
      existing.lastUsed = now;
      return;
    }
    const entry: Entry = {
      addr,
      state: 'unknown',
      lastUsed: now,
      lastSuccess: -Infinity,
      failures: 0,
      successes: 0,
      timer: new OwnedTimer(() => void this.#tick(id, entry)),
      probing: undefined,
    };
    this.#entries.set(id, entry);
    this.#schedule(entry);
  }

  /**
   * `id` said it is going away (a graceful shutdown): unhealthy at once, without waiting for failed
   * probes, and probed from now on; `healthyThreshold` good probes (its restarted process
   * answering) readmit it.
   */
  markDown(id: string, addr: string): void {
    if (this.#closed) return;
    this.use(id, addr);
    const entry = this.#entries.get(id)!;
    // A probe already on its way may be answered by the old process: it must not count.
    entry.probing?.abort();
    entry.successes = 0;
    entry.failures = Math.max(entry.failures, this.#unhealthyThreshold);
    this.#schedule(entry);
    if (entry.state === 'unhealthy') return;
    entry.state = 'unhealthy';
    for (const listener of [...this.#listeners]) listener(id, 'unhealthy');
  }

  /** A real call to `id` succeeded. */
  succeeded(id: string): void {
    const entry = this.#entries.get(id);
    if (entry !== undefined) entry.lastSuccess = performance.now();
  }

  /** Forgets instances discovery no longer lists. */
  retain(ids: ReadonlySet<string>): void {
    for (const [id, entry] of this.#entries) if (!ids.has(id)) this.#drop(id, entry);
  }

  close(): void {
    this.#closed = true;
    for (const [id, entry] of this.#entries) this.#drop(id, entry);
    this.#listeners.clear();
  }

  #schedule(entry: Entry): void {
    entry.timer.schedule(jittered(this.#intervalMs, this.#jitter, this.#random));
  }

  #drop(id: string, entry: Entry): void {
    entry.timer.cancel();
    entry.probing?.abort();
    this.#entries.delete(id);
  }

  async #tick(id: string, entry: Entry): Promise<void> {
    if (this.#closed || this.#entries.get(id) !== entry) return;
    const now = performance.now();
    if (entry.state !== 'unhealthy' && now - entry.lastUsed > this.#idleAfterMs) {
      this.#drop(id, entry);
      return;
    }
    if (entry.state === 'healthy' && now - entry.lastSuccess < this.#intervalMs) {
      this.#schedule(entry);
      return;
    }
    const controller = new AbortController();
    entry.probing = controller;
    this.#probesSent++;
    const healthy = await this.#probe(entry.addr, this.#timeoutMs, controller.signal);
    entry.probing = undefined;
    if (this.#closed || this.#entries.get(id) !== entry) return;
    this.#record(id, entry, healthy);
    this.#schedule(entry);
  }

  #record(id: string, entry: Entry, healthy: boolean): void {
    let next = entry.state;
    if (healthy) {
      entry.successes++;
      entry.failures = 0;
      if (entry.state === 'unknown' || (entry.state === 'unhealthy' && entry.successes >= this.#healthyThreshold)) next = 'healthy';
    } else {
      entry.failures++;
      entry.successes = 0;
      if (entry.state !== 'unhealthy' && entry.failures >= this.#unhealthyThreshold) next = 'unhealthy';
    }
    if (next === entry.state) return;
    entry.state = next;
    for (const listener of [...this.#listeners]) listener(id, next);
  }
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RemotingError('INVALID_ARGUMENT', `${name} must be a positive number, got ${value}`);
  return value;
}
