import { DiscoveryError } from './errors.js';
import { instanceFromAddress, type Instance } from './instance.js';
import { decodeProviderRecord } from './provider-record.js';
import { SourceBase } from './source.js';
import { loadZooKeeper, zookeeperProvidersPath, ZooKeeperSession, type ZooKeeperConnectionOptions } from './zookeeper-session.js';

export interface ZooKeeperSourceOptions extends ZooKeeperConnectionOptions {
  readonly service: string;
  readonly name?: string;
}

/**
 * Providers registered in ZooKeeper as ephemeral children of `<root>/<service>/providers` (the
 * layout Dubbo uses, with the URL-encoded `host:port` as the child's name and a JSON record as its
 * data). Reads the children with a child watch and re-arms the watch on every notification, as
 * ZooKeeper watches fire once. A missing providers node is watched for creation. Disconnections
 * keep the last good set (and are reported); after a session expiry the watches are gone, so the
 * list is read again on the new session.
 */
export class ZooKeeperSource extends SourceBase {
  readonly #options: ZooKeeperSourceOptions;
  readonly #path: string;
  #session: ZooKeeperSession | undefined;
  /** Each read gets a number; only the latest read may publish, so a slow old read cannot undo a newer one. */
  #generation = 0;
  #reading: Promise<void> | undefined;
  /**
   * One watcher function per kind, reused for every read: the client registers a function once
   * per path, so re-arming with the same function never piles up duplicate notifications.
   */
  readonly #onChildren = (event: { getType(): number }): void => {
    const { Event } = (this.#session as ZooKeeperSession).module;
    if (event.getType() === Event.NODE_CHILDREN_CHANGED || event.getType() === Event.NODE_DELETED) void this.#read();
  };
  readonly #onCreated = (event: { getType(): number }): void => {
    if (event.getType() === (this.#session as ZooKeeperSession).module.Event.NODE_CREATED) void this.#read();
  };

  constructor(options: ZooKeeperSourceOptions) {
    const path = zookeeperProvidersPath(options.service, options.root);
    super(options.name ?? `zookeeper:${path}`);
    this.#options = options;
    this.#path = path;
  }

  protected async startSource(): Promise<void> {
    const zk = await loadZooKeeper(this.name);
    if (this.closed) return;
    const session = new ZooKeeperSession(zk, this.#options, {
      // Watches survive a reconnect within the session, but a change may have happened while the
      // notification could not be delivered; after an expiry they are gone. Read again either way.
      connected: () => void this.#read(),
      disconnected: () => this.reportError(new DiscoveryError('UNREACHABLE', this.name, 'disconnected from ZooKeeper; keeping the known providers', { kept: this.knownCount })),
      expired: () => this.reportError(new DiscoveryError('REGISTRY', this.name, 'ZooKeeper session expired; starting a new one', { kept: this.knownCount })),
    });
    this.#session = session;
    try {
      await session.waitConnected(this.name);
    } catch (error) {
      this.reportError(error as DiscoveryError);
      return;
    }
    await this.#reading;
  }

  protected async closeSource(): Promise<void> {
    this.#generation++;
    this.#session?.close();
    await this.#reading?.catch(() => undefined);
  }

  #read(): Promise<void> {
    const generation = ++this.#generation;
    const reading = this.#readChildren(generation);
    this.#reading = reading;
    return reading;
  }

  async #readChildren(generation: number): Promise<void> {
    const session = this.#session as ZooKeeperSession;
    const { Exception } = session.module;
    const stale = (): boolean => this.closed || generation !== this.#generation;
    try {
      let children: string[];
      try {
        children = await session.getChildren(this.#path, this.#onChildren);
      } catch (error) {
        if (session.codeOf(error) !== Exception.NO_NODE) throw error;
        // No provider has ever registered: wait for the node to appear.
        const stat = await session.exists(this.#path, this.#onCreated);
        if (stat !== undefined && !stale()) void this.#read();
        children = [];
      }
      const instances = await Promise.all(children.map((child) => this.#readChild(session, child)));
      if (stale()) return;
      this.publish(instances.filter((instance): instance is Instance => instance !== undefined));
    } catch (error) {
      if (stale()) return;
      this.reportError(new DiscoveryError('REGISTRY', this.name, `cannot read providers: ${(error as Error).message}`, { cause: error, kept: this.knownCount }));
    }
  }

  async #readChild(session: ZooKeeperSession, child: string): Promise<Instance | undefined> {
    let addr: string;
    try {
      addr = decodeURIComponent(child);
      instanceFromAddress(addr);
    } catch (error) {
      this.reportError(new DiscoveryError('MALFORMED', this.name, `child '${child}' is not a URL-encoded host:port`, { cause: error, kept: this.knownCount }));
      return undefined;
    }
    let data: Buffer | undefined;
    try {
      data = await session.getData(`${this.#path}/${child}`);
    } catch (error) {
      // Gone between listing and reading: the next child notification drops it from the set.
      if (session.codeOf(error) === session.module.Exception.NO_NODE) return undefined;
      throw error;
    }
    if (data === undefined || data.length === 0) return instanceFromAddress(addr);
    try {
      return decodeProviderRecord(instanceFromAddress(addr).addr, data.toString('utf8'));
    } catch (error) {
      this.reportError(new DiscoveryError('MALFORMED', this.name, (error as Error).message, { cause: error, kept: this.knownCount }));
      return instanceFromAddress(addr);
    }
  }
}
