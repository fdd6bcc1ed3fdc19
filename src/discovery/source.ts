import { DiscoveryError } from './errors.js';
import { membershipFingerprint, sortInstances, type Instance } from './instance.js';

/** What a source knows at one moment. Immutable: a change makes a new set with a higher version. */
export interface InstanceSet {
  /** Sorted by id, frozen. Pass this very array to a balancer: it only rebuilds when it changes. */
  readonly instances: readonly Instance[];
  /** 0 before anything is known; +1 per change of membership. */
  readonly version: number;
  /** Where this set came from: nothing yet, the live source, or the on-disk snapshot at startup. */
  readonly origin: 'none' | 'source' | 'snapshot';
  /** Date.now() when this set was published. */
  readonly updatedAt: number;
}

export type InstanceSetListener = (set: InstanceSet) => void;
export type DiscoveryErrorListener = (error: DiscoveryError) => void;

/**
 * A discovery source: an async stream of instance sets.
 *
 * - `start()` begins watching or polling; it resolves after the first attempt, whether that found
 *   instances or reported an error (a source never throws for an outage, only for misuse or a
 *   missing optional dependency).
 * - `current()` is the latest set; `subscribe` is told of every change; `for await (const set of
 *   source)` yields the current set (when one is known) and then each change, coalescing changes a
 *   slow reader missed — it only ever sees the latest.
 * - Errors go to `onError` listeners and never empty the set: the last good set stays current.
 * - `close()` stops every timer, watch and connection the source owns.
 */
export interface DiscoverySource extends AsyncIterable<InstanceSet> {
  readonly name: string;
  start(): Promise<void>;
  current(): InstanceSet;
  subscribe(listener: InstanceSetListener): () => void;
  onError(listener: DiscoveryErrorListener): () => void;
  /** The most recent error since the last successful refresh, or undefined when healthy. */
  lastError(): DiscoveryError | undefined;
  close(): Promise<void>;
}

const EMPTY: InstanceSet = Object.freeze({ instances: Object.freeze([]) as readonly Instance[], version: 0, origin: 'none', updatedAt: 0 });

/**
 * The bookkeeping every source shares: the current set, change detection, listeners, the async
 * iterator, error reporting. Implementations call `publish` with what they found and `reportError`
 * when they could not find out, and implement `startSource` / `closeSource`.
 */
export abstract class SourceBase implements DiscoverySource {
  readonly name: string;
  #current: InstanceSet = EMPTY;
  #fingerprint = '';
  #lastError: DiscoveryError | undefined;
  readonly #listeners = new Set<InstanceSetListener>();
  readonly #errorListeners = new Set<DiscoveryErrorListener>();
  readonly #closeWaiters = new Set<() => void>();
  #started: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  protected constructor(name: string) {
    this.name = name;
  }

  protected abstract startSource(): Promise<void>;
  protected abstract closeSource(): Promise<void>;

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  start(): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(new DiscoveryError('UNREACHABLE', this.name, 'source is closed'));
    this.#started ??= this.startSource();
    return this.#started;
  }

  current(): InstanceSet {
    return this.#current;
  }

  lastError(): DiscoveryError | undefined {
    return this.#lastError;
  }

  subscribe(listener: InstanceSetListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onError(listener: DiscoveryErrorListener): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#closing = (async () => {
        try {
          // closeSource aborts what is in flight; a start still running sees `closed` after its
          // next await and releases whatever it opened before it resolves, which close waits for.
          await this.closeSource();
          await this.#started?.catch(() => undefined);
        } finally {
          for (const wake of this.#closeWaiters) wake();
          this.#closeWaiters.clear();
        }
      })();
    }
    return this.#closing;
  }

  /**
   * Publishes `instances` if they differ from the current set (order does not matter). Returns
   * whether anything changed. A successful refresh clears `lastError` either way.
   */
  protected publish(instances: Iterable<Instance>, origin: 'source' | 'snapshot' = 'source'): boolean {
    if (this.#closing !== undefined) return false;
    if (origin === 'source') this.#lastError = undefined;
    const sorted = sortInstances(instances);
    const fingerprint = membershipFingerprint(sorted);
    if (fingerprint === this.#fingerprint && this.#current.version > 0) return false;
    this.#fingerprint = fingerprint;
    const set: InstanceSet = Object.freeze({
      instances: Object.freeze(sorted),
      version: this.#current.version + 1,
      origin,
      updatedAt: Date.now(),
    });
    this.#current = set;
    for (const listener of [...this.#listeners]) {
      try {
        listener(set);
      } catch (error) {
        this.reportError(new DiscoveryError('LISTENER', this.name, `a subscriber threw: ${(error as Error).message}`, { cause: error, kept: sorted.length }));
      }
    }
    return true;
  }

  /** Reports a failed refresh; the current set stays. */
  protected reportError(error: DiscoveryError): void {
    if (error.reason !== 'LISTENER') this.#lastError = error;
    for (const listener of [...this.#errorListeners]) {
      try {
        listener(error);
      } catch (thrown) {
        // An error listener that throws has nobody left to tell: surface it as an uncaught
        // exception (what an EventEmitter listener would do) without stopping this source.
        queueMicrotask(() => {
          throw thrown;
        });
      }
    }
  }

  /** Instances currently served (what an error "keeps"). */
  protected get knownCount(): number {
    return this.#current.instances.length;
  }

  [Symbol.asyncIterator](): AsyncIterator<InstanceSet> {
    let delivered = 0;
    let wake: (() => void) | undefined;
    const unsubscribe = this.subscribe(() => wake?.());
    const onClose = (): void => wake?.();
    this.#closeWaiters.add(onClose);
    const finish = (): IteratorReturnResult<undefined> => {
      unsubscribe();
      this.#closeWaiters.delete(onClose);
      wake = undefined;
      return { done: true, value: undefined };
    };
    return {
      next: async (): Promise<IteratorResult<InstanceSet>> => {
        for (;;) {
          const set = this.#current;
          if (set.version > delivered) {
            delivered = set.version;
            return { done: false, value: set };
          }
          if (this.#closing !== undefined) return finish();
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      },
      return: async (): Promise<IteratorResult<InstanceSet>> => finish(),
    };
  }
}
