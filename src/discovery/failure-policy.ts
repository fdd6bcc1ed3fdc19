import { RemotingError } from '../errors.js';
import { RemotingSendRequestError } from '../transport/errors.js';

/**
 * failfast: every failure goes straight back to the caller.
 * failover: a failed attempt is sent again to another provider (never the same one twice), within
 * the retry limit, the retry budget and the caller's deadline — for idempotent methods after any
 * transport failure, for the others only when the request provably never ran.
 */
export type FailurePolicy = 'failfast' | 'failover';

/**
 * Whether a failed attempt may be sent again elsewhere. A connection that could not be opened, a
 * request that found its connection already closed (`SEND_FAILED` with `unsent`: not one byte
 * written, e.g. the provider closed it right after its going-away notice), or a provider that
 * refused the request with SYSTEM_BUSY (flow control, before running it) never ran the call: safe
 * for every method. A request written and then lost (the connection closed, the response did not
 * come in time, the write failed midway) may have run: idempotent methods only.
 */
export function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (!(error instanceof RemotingError)) return false;
  switch (error.code) {
    case 'CONNECT_FAILED':
      return true;
    case 'SEND_FAILED':
      return idempotent || isUnsent(error);
    case 'CONNECTION_CLOSED':
    case 'TIMEOUT':
      return idempotent;
    default:
      return false;
  }
}

/** A send that failed before any byte of the request was written: nothing can have run. */
export function isUnsent(error: unknown): boolean {
  return error instanceof RemotingSendRequestError && error.unsent;
}

/** Whether a failed call says something about the provider (counts toward outlier ejection). */
export function blamesProvider(error: unknown): boolean {
  if (!(error instanceof RemotingError)) return false;
  return error.code === 'CONNECT_FAILED' || error.code === 'SEND_FAILED' || error.code === 'CONNECTION_CLOSED' || error.code === 'TIMEOUT';
}

export interface RetryBudgetOptions {
  /** Retries allowed per request sent, over the window (default 0.2: at most 20 % extra load). */
  readonly ratio?: number;
  /** Retries always allowed per second, so a quiet consumer can still fail over (default 10). */
  readonly minRetriesPerSecond?: number;
  /** Sliding window in whole seconds (default 10). */
  readonly windowSeconds?: number;
}

/**
 * A retry budget (Finagle's idea): retries may add at most `ratio` of the requests of the last
 * `windowSeconds`, plus a small floor. When a whole cluster is failing, failover stops multiplying
 * the load on what is left of it. Per-second buckets in a ring: O(1) per request, no timers.
 */
export class RetryBudget {
  readonly #ratio: number;
  readonly #floor: number;
  readonly #seconds: number;
  readonly #requests: Float64Array;
  readonly #retries: Float64Array;
  readonly #stamps: Float64Array;
  readonly #now: () => number;

  constructor(options: RetryBudgetOptions = {}, now: () => number = () => performance.now()) {
    this.#ratio = options.ratio ?? 0.2;
    this.#seconds = options.windowSeconds ?? 10;
    this.#floor = (options.minRetriesPerSecond ?? 10) * this.#seconds;
    if (!(this.#ratio >= 0) || !Number.isInteger(this.#seconds) || this.#seconds < 1 || !(this.#floor >= 0)) {
      throw new RemotingError('INVALID_ARGUMENT', 'retry budget: ratio ≥ 0, windowSeconds a positive integer, minRetriesPerSecond ≥ 0');
    }
    this.#requests = new Float64Array(this.#seconds);
    this.#retries = new Float64Array(this.#seconds);
    this.#stamps = new Float64Array(this.#seconds).fill(-1);
    this.#now = now;
  }

  recordRequest(): void {
    this.#requests[this.#bucket()]!++;
  }

  /** Takes one retry from the budget; false when the budget is spent. */
  tryRetry(): boolean {
    const bucket = this.#bucket();
    let requests = 0;
    let retries = 0;
    const second = this.#stamps[bucket] as number;
    for (let i = 0; i < this.#seconds; i++) {
      if ((this.#stamps[i] as number) > second - this.#seconds) {
        requests += this.#requests[i] as number;
        retries += this.#retries[i] as number;
      }
    }
    if (retries + 1 > this.#floor + this.#ratio * requests) return false;
    this.#retries[bucket]!++;
    return true;
  }

  #bucket(): number {
    const second = Math.floor(this.#now() / 1000);
    const bucket = second % this.#seconds;
    if (this.#stamps[bucket] !== second) {
      this.#stamps[bucket] = second;
      this.#requests[bucket] = 0;
      this.#retries[bucket] = 0;
    }
    return bucket;
  }
}
