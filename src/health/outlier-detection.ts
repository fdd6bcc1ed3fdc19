import { RemotingError } from '../errors.js';
import { OwnedTimer } from '../discovery/timing.js';

export interface OutlierDetectionOptions {
  /** Consecutive failed calls that eject an instance (default 5). */
  readonly consecutiveFailures?: number;
  /** First ejection time; the n-th ejection lasts n times as long (default 10 000 ms). */
  readonly baseEjectionMs?: number;
  /** Ejections never last longer than this (default 300 000 ms). */
  readonly maxEjectionMs?: number;
  /**
   * At most this share of the instances is ejected at once (default 50 %): past it, failing
   * instances stay in rotation, so a bad deploy or a network blip never ejects the whole cluster.
   */
  readonly maxEjectedPercent?: number;
}

interface EjectionRecord {
  failures: number;
  ejections: number;
  ejectedUntil: number;
  lastEjectionEnd: number;
  readonly timer: OwnedTimer;
}

export type EjectionListener = (id: string, ejected: boolean, durationMs: number) => void;

/**
 * Passive health from real traffic (Envoy's outlier detection, consecutive-failure flavour):
 * `consecutiveFailures` failures in a row eject an instance for base × n (the n-th ejection), capped;
 * it is readmitted when the time is up (and ejected again, for longer, if it keeps failing). An
 * instance that went a full `maxEjectionMs` without being ejected starts over at the base time.
 */
export class OutlierDetector {
  readonly #threshold: number;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #maxPercent: number;
  readonly #records = new Map<string, EjectionRecord>();
  readonly #listeners = new Set<EjectionListener>();
  #members = 0;
  #ejected = 0;
  #closed = false;

  constructor(options: OutlierDetectionOptions = {}) {
    this.#threshold = positiveInt(options.consecutiveFailures ?? 5, 'consecutiveFailures');
    this.#baseMs = positiveInt(options.baseEjectionMs ?? 10_000, 'baseEjectionMs');
    this.#maxMs = Math.max(this.#baseMs, options.maxEjectionMs ?? 300_000);
    this.#maxPercent = options.maxEjectedPercent ?? 50;
    if (!(this.#maxPercent >= 0 && this.#maxPercent <= 100)) throw new RemotingError('INVALID_ARGUMENT', `maxEjectedPercent must be 0–100, got ${this.#maxPercent}`);
  }

  onChange(listener: EjectionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  isEjected(id: string): boolean {
    return (this.#records.get(id)?.ejectedUntil ?? 0) > 0;
  }

  get ejectedCount(): number {
    return this.#ejected;
  }

  /** The instances discovery lists now: forget the others; the ejection cap is a share of these. */
  retain(ids: ReadonlySet<string>): void {
    this.#members = ids.size;
    for (const [id, record] of this.#records) {
      if (ids.has(id)) continue;
      record.timer.cancel();
      if (record.ejectedUntil > 0) this.#ejected--;
      this.#records.delete(id);
    }
  }

  success(id: string): void {
    const record = this.#records.get(id);
    if (record !== undefined) record.failures = 0;
  }

  /** A call to `id` failed in a way that says something about the instance; true if this ejected it. */
  failure(id: string): boolean {
    if (this.#closed) return false;
    const record = this.#record(id);
    record.failures++;
    if (record.ejectedUntil > 0 || record.failures < this.#threshold) return false;
    const allowed = Math.floor((Math.max(this.#members, this.#records.size) * this.#maxPercent) / 100);
    if (this.#ejected >= allowed) return false;
    const now = performance.now();
    if (record.lastEjectionEnd > 0 && now - record.lastEjectionEnd > this.#maxMs) record.ejections = 0;
    record.ejections++;
    const durationMs = Math.min(this.#maxMs, this.#baseMs * record.ejections);
    record.ejectedUntil = now + durationMs;
    record.failures = 0;
    this.#ejected++;
    record.timer.schedule(durationMs);
    this.#emit(id, true, durationMs);
    return true;
  }

  close(): void {
    this.#closed = true;
    for (const record of this.#records.values()) record.timer.cancel();
    this.#records.clear();
    this.#listeners.clear();
    this.#ejected = 0;
  }

  #record(id: string): EjectionRecord {
    let record = this.#records.get(id);
    if (record === undefined) {
      const created: EjectionRecord = {
        failures: 0,
        ejections: 0,
        ejectedUntil: 0,
        lastEjectionEnd: 0,
        timer: new OwnedTimer(() => this.#readmit(id, created)),
      };
      record = created;
      this.#records.set(id, record);
    }
    return record;
  }

  #readmit(id: string, record: EjectionRecord): void {
    if (this.#closed || this.#records.get(id) !== record || record.ejectedUntil === 0) return;
    record.ejectedUntil = 0;
    record.lastEjectionEnd = performance.now();
    this.#ejected--;
    this.#emit(id, false, 0);
  }

  #emit(id: string, ejected: boolean, durationMs: number): void {
    for (const listener of [...this.#listeners]) listener(id, ejected, durationMs);
  }
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RemotingError('INVALID_ARGUMENT', `${name} must be a positive integer, got ${value}`);
  return value;
}
