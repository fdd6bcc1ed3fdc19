import { DiscoveryError } from './errors.js';
import { createInstance } from './instance.js';
import { encodeProviderRecord } from './provider-record.js';
import { KeptRegistration } from './kept-registration.js';
import type { ProviderEndpoint } from './registration.js';
import { loadZooKeeper, zookeeperProvidersPath, ZooKeeperSession, type ZooKeeperConnectionOptions } from './zookeeper-session.js';

export interface ZooKeeperRegistrationOptions extends ZooKeeperConnectionOptions {
  readonly service: string;
  readonly endpoint: ProviderEndpoint;
  /** First delay before retrying a failed re-registration, doubled up to 30 s (default 500 ms). */
  readonly retryMs?: number;
}

/**
 * A provider's ephemeral node `<root>/<service>/providers/<urlencoded host:port>` (JSON record as
 * data). The parents are created persistent; the node lives exactly as long as the ZooKeeper
 * session that created it: graceful close deletes it at once, a crash leaves it until the session
 * times out. After a session expiry (cut off longer than the timeout) the node is gone, so it is
 * created again on the new session, retried with backoff.
 */
export class ZooKeeperRegistration extends KeptRegistration {
  readonly #options: ZooKeeperRegistrationOptions;
  readonly #data: Buffer;
  #session: ZooKeeperSession | undefined;
  #recreate = false;

  constructor(options: ZooKeeperRegistrationOptions) {
    const { host, port, weight, metadata } = options.endpoint;
    const instance = createInstance(host, port, { weight, metadata });
    super(`${zookeeperProvidersPath(options.service, options.root)}/${encodeURIComponent(instance.addr)}`, options.retryMs ?? 500);
    this.#options = options;
    this.#data = Buffer.from(encodeProviderRecord(options.endpoint), 'utf8');
  }

  async register(): Promise<void> {
    if (this.state === 'closed') throw new DiscoveryError('REGISTRY', this.key, 'registration was closed');
    if (this.state !== 'idle') return this.attempting;
    this.state = 'registering';
    const zk = await loadZooKeeper(this.key);
    const session = new ZooKeeperSession(zk, this.#options, {
      // Only a session that replaced an expired one needs the node again; the first session's
      // node is created by register() itself, which reports its failure to the caller.
      connected: (newSession) => {
        if (newSession && this.#recreate) {
          this.#recreate = false;
          void this.rewrite();
        }
      },
      disconnected: () => this.report(new DiscoveryError('UNREACHABLE', this.key, 'disconnected from ZooKeeper; the node stays while the session lives')),
      expired: () => {
        if (this.state === 'closed') return;
        this.state = 'registering';
        this.#recreate = true;
        this.report(new DiscoveryError('REGISTRY', this.key, 'ZooKeeper session expired: the node is gone; registering again'));
      },
    });
    this.#session = session;
    try {
      await session.waitConnected(this.key);
      this.attempting = this.writeEntry();
      await this.attempting;
    } catch (error) {
      await this.deregister();
      throw error instanceof DiscoveryError ? error : new DiscoveryError('REGISTRY', this.key, `cannot register: ${(error as Error).message}`, { cause: error });
    }
  }

  async deregister(): Promise<void> {
    const wasRegistered = this.state === 'registered';
    if (!this.close()) return;
    await this.attempting?.catch(() => undefined);
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined) return;
    try {
      if (wasRegistered && session.connected) await session.remove(this.key);
    } catch (error) {
      // Closing the session below removes the ephemeral node anyway; say why it was not removed first.
      if (session.codeOf(error) !== session.module.Exception.NO_NODE) {
        this.report(new DiscoveryError('REGISTRY', this.key, `remove failed, the session close removes it: ${(error as Error).message}`, { cause: error }));
      }
    } finally {
      session.close();
    }
  }

  protected async writeEntry(): Promise<void> {
    const session = this.#session;
    if (session === undefined) return;
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
    this.markRegistered();
  }
}
