import { DiscoveryError } from './errors.js';
import { createInstance } from './instance.js';
import { encodeProviderRecord } from './provider-record.js';
import type { ProviderEndpoint, Registration } from './registration.js';
import type { DiscoveryErrorListener } from './source.js';
import { OwnedTimer } from './timing.js';
import { loadZooKeeper, zookeeperProvidersPath, ZooKeeperSession, type ZooKeeperConnectionOptions } from './zookeeper-session.js';

export interface ZooKeeperRegistrationOptions extends ZooKeeperConnectionOptions {
  readonly service: string;
  readonly endpoint: ProviderEndpoint;
  /** First delay before retrying a failed re-registration, doubled up to 30 s (default 500 ms). */
  readonly retryMs?: number;
}

/**
 * A provider's ephemeral node `<root>/<service>/providers/<urlencoded host:port>` (JSON record as
 * data). The parents are created persistent; the node lives exactly as long as this session:
 * graceful close deletes it at once, a crash leaves it until the session times out. After a session
 * expiry (cut off longer than the timeout) the node is gone, so it is created again on the new
 * session, retried with backoff.
 */
export class ZooKeeperRegistration implements Registration {
  readonly key: string;
  readonly #options: ZooKeeperRegistrationOptions;
  readonly #data: Buffer;
  readonly #retryMs: number;
  readonly #errorListeners = new Set<DiscoveryErrorListener>();
  readonly #retryTimer = new OwnedTimer(() => void this.#attempt());
  #session: ZooKeeperSession | undefined;
  #state: 'idle' | 'registering' | 'registered' | 'closed' = 'idle';
  #failures = 0;
  #recreate = false;
  #attempting: Promise<void> | undefined;

  constructor(options: ZooKeeperRegistrationOptions) {
    const { host, port, weight, metadata } = options.endpoint;
    const instance = createInstance(host, port, { weight, metadata });
    this.key = `${zookeeperProvidersPath(options.service, options.root)}/${encodeURIComponent(instance.addr)}`;
    this.#options = options;
    this.#data = Buffer.from(encodeProviderRecord(options.endpoint), 'utf8');
    this.#retryMs = options.retryMs ?? 500;
  }

  get registered(): boolean {
    return this.#state === 'registered';
  }

  onError(listener: DiscoveryErrorListener): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  async register(): Promise<void> {
    if (this.#state === 'closed') throw new DiscoveryError('REGISTRY', this.key, 'registration was closed');
    if (this.#state !== 'idle') return this.#attempting;
    this.#state = 'registering';
    const zk = await loadZooKeeper(this.key);
    const session = new ZooKeeperSession(zk, this.#options, {
      // Only a session that replaced an expired one needs the node again; the first session's
      // node is created by register() itself, which reports its failure to the caller.
      connected: (newSession) => {
        if (newSession && this.#recreate) {
          this.#recreate = false;
          void this.#attempt();
        }
      },
      disconnected: () => this.#report(new DiscoveryError('UNREACHABLE', this.key, 'disconnected from ZooKeeper; the node stays while the session lives')),
      expired: () => {
        if (this.#state === 'closed') return;
        this.#state = 'registering';
        this.#recreate = true;
        this.#report(new DiscoveryError('REGISTRY', this.key, 'ZooKeeper session expired: the node is gone; registering again'));
      },
    });
    this.#session = session;
    try {
      await session.waitConnected(this.key);
      this.#attempting = this.#create(session);
      await this.#attempting;
    } catch (error) {
      await this.deregister();
      throw error instanceof DiscoveryError ? error : new DiscoveryError('REGISTRY', this.key, `cannot register: ${(error as Error).message}`, { cause: error });
    }
  }

  async deregister(): Promise<void> {
    if (this.#state === 'closed') return;
    const wasRegistered = this.#state === 'registered';
    this.#state = 'closed';
    this.#retryTimer.cancel();
    await this.#attempting?.catch(() => undefined);
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined) return;
    try {
      if (wasRegistered && session.connected) await session.remove(this.key);
    } catch (error) {
      // Closing the session below removes the ephemeral node anyway; say why it was not removed first.
      if (session.codeOf(error) !== session.module.Exception.NO_NODE) {
        this.#report(new DiscoveryError('REGISTRY', this.key, `remove failed, the session close removes it: ${(error as Error).message}`, { cause: error }));
      }
    } finally {
      session.close();
    }
  }

  async #create(session: ZooKeeperSession): Promise<void> {
    const parent = this.key.slice(0, this.key.lastIndexOf('/'));
    await session.mkdirp(parent);
    try {
      await session.createEphemeral(this.key, this.#data);
    } catch (error) {
      if (session.codeOf(error) !== session.module.Exception.NODE_EXISTS) throw error;
      // A node left by this address's previous session (a restart faster than the session
      // timeout): replace it, so the entry belongs to this live session, as Dubbo does.
      await session.remove(this.key);
      await session.createEphemeral(this.key, this.#data);
    }
    if (this.#state === 'closed') return;
    this.#state = 'registered';
    this.#failures = 0;
  }

  #attempt(): Promise<void> {
    const session = this.#session;
    if (this.#state === 'closed' || session === undefined) return Promise.resolve();
    const attempt = this.#create(session).catch((error: unknown) => {
      if (this.#state === 'closed') return;
      this.#report(new DiscoveryError('REGISTRY', this.key, `re-registration failed: ${(error as Error).message}`, { cause: error }));
      this.#retryTimer.schedule(Math.min(30_000, this.#retryMs * 2 ** this.#failures++));
    });
    this.#attempting = attempt;
    return attempt;
  }

  #report(error: DiscoveryError): void {
    for (const listener of [...this.#errorListeners]) listener(error);
  }
}
