import { DiscoveryError } from './errors.js';
import type { Registration } from './registration.js';
import type { DiscoveryErrorListener } from './source.js';
import { OwnedTimer } from './timing.js';

export type RegistrationState = 'idle' | 'registering' | 'registered' | 'closed';

/**
 * What etcd and ZooKeeper registrations share: the state machine of an entry that must be kept in
 * a registry, and rewritten (with backoff, until it works or `deregister` is called) when the
 * registry loses it.
 *
 *   idle ──register()──► registering ──entry written──► registered
 *   registered ──entry lost (lease / session)──► registering ──rewrite, retried──► registered
 *   any ──deregister()──► closed
 */
export abstract class KeptRegistration implements Registration {
  readonly key: string;
  protected state: RegistrationState = 'idle';
  /** The write in progress (first or retried), awaited by `deregister` before it removes anything. */
  protected attempting: Promise<void> | undefined;
  readonly #retryMs: number;
  readonly #errorListeners = new Set<DiscoveryErrorListener>();
  readonly #retryTimer = new OwnedTimer(() => void this.rewrite());
  #failures = 0;

  protected constructor(key: string, retryMs: number) {
    this.key = key;
    this.#retryMs = retryMs;
  }

  abstract register(): Promise<void>;
  abstract deregister(): Promise<void>;

  /** Writes the entry once; rejects when that fails. */
  protected abstract writeEntry(): Promise<void>;

  get registered(): boolean {
    return this.state === 'registered';
  }

  onError(listener: DiscoveryErrorListener): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  protected report(error: DiscoveryError): void {
    for (const listener of [...this.#errorListeners]) listener(error);
  }

  /** After a successful write: registered, unless closed meanwhile; the backoff starts over. */
  protected markRegistered(): void {
    if (this.state === 'closed') return;
    this.state = 'registered';
    this.#failures = 0;
  }

  /** Enters `closed` (stopping retries); false when it already was. */
  protected close(): boolean {
    if (this.state === 'closed') return false;
    this.state = 'closed';
    this.#retryTimer.cancel();
    return true;
  }

  /** Writes the entry again after the registry lost it; a failure is reported and retried with backoff. */
  protected rewrite(): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    const attempt = this.writeEntry().catch((error: unknown) => {
      if (this.state === 'closed') return;
      this.report(error instanceof DiscoveryError ? error : new DiscoveryError('REGISTRY', this.key, `re-registration failed: ${(error as Error).message}`, { cause: error }));
      this.#retryTimer.schedule(Math.min(30_000, this.#retryMs * 2 ** this.#failures++));
    });
    this.attempting = attempt;
    return attempt;
  }
}
