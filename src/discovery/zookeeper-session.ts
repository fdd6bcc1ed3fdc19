import type { Client, Event, Stat } from 'node-zookeeper-client';
import { RemotingError } from '../errors.js';
import { DiscoveryError } from './errors.js';

type ZooKeeperModule = typeof import('node-zookeeper-client');

/** Options for the ZooKeeper connection the source or registration owns. */
export interface ZooKeeperConnectionOptions {
  /** `host:port[,host:port...][/chroot]`. */
  readonly connectionString: string;
  /** Requested session timeout (default 10 000 ms; the server clamps it to 2–20 ticks). */
  readonly sessionTimeoutMs?: number;
  /** How long `start`/`register` wait for the first connection (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
  /** Path root; providers live under `<root>/<service>/providers/<urlencoded host:port>`. Default `/rocket-rpc`. */
  readonly root?: string;
}

export const DEFAULT_ZOOKEEPER_ROOT = '/rocket-rpc';

/** Dubbo's layout: `<root>/<service>/providers`, one child per provider. */
export function zookeeperProvidersPath(service: string, root = DEFAULT_ZOOKEEPER_ROOT): string {
  if (service === '') throw new RemotingError('INVALID_ARGUMENT', 'service is required');
  return `${root.replace(/\/+$/, '')}/${encodeURIComponent(service)}/providers`;
}

export async function loadZooKeeper(who: string): Promise<ZooKeeperModule> {
  try {
    return await import('node-zookeeper-client');
  } catch (error) {
    throw new DiscoveryError('MISSING_DEPENDENCY', who, "the ZooKeeper integration needs the 'node-zookeeper-client' package: npm install node-zookeeper-client", { cause: error });
  }
}

export interface SessionEvents {
  /** Connected: `newSession` is true for the first session and after an expiry (ephemerals and watches are gone). */
  connected(newSession: boolean): void;
  disconnected(): void;
  expired(): void;
}

/**
 * One ZooKeeper session that survives expiry: when the server expires it (the client was cut off
 * longer than the session timeout), the old client is closed and a new one connects, and the owner
 * is told `connected(newSession = true)` so it can re-create its ephemeral node or re-arm watches.
 * Disconnections within the session are the client library's to recover; watches survive them.
 */
export class ZooKeeperSession {
  readonly #zk: ZooKeeperModule;
  readonly #options: ZooKeeperConnectionOptions;
  readonly #events: SessionEvents;
  #client: Client;
  #closed = false;
  #newSession = true;

  constructor(zk: ZooKeeperModule, options: ZooKeeperConnectionOptions, events: SessionEvents) {
    this.#zk = zk;
    this.#options = options;
    this.#events = events;
    this.#client = this.#open();
  }

  get client(): Client {
    return this.#client;
  }

  get module(): ZooKeeperModule {
    return this.#zk;
  }

  get connected(): boolean {
    const state = this.#client.getState();
    return state === this.#zk.State.SYNC_CONNECTED || state === this.#zk.State.CONNECTED_READ_ONLY;
  }

  /** Resolves once connected; rejects with a TIMEOUT DiscoveryError after `connectTimeoutMs` (the client keeps trying). */
  waitConnected(who: string): Promise<void> {
    if (this.connected) return Promise.resolve();
    const timeoutMs = this.#options.connectTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const client = this.#client;
      const onConnected = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        client.removeListener('connected', onConnected);
        reject(new DiscoveryError('TIMEOUT', who, `no ZooKeeper connection to ${this.#options.connectionString} within ${timeoutMs} ms`));
      }, timeoutMs);
      client.once('connected', onConnected);
    });
  }

  close(): void {
    this.#closed = true;
    this.#client.removeAllListeners();
    this.#client.close();
  }

  #open(): Client {
    const client = this.#zk.createClient(this.#options.connectionString, {
      sessionTimeout: this.#options.sessionTimeoutMs ?? 10_000,
      spinDelay: 200,
      retries: 1,
    });
    client.on('connected', () => {
      const fresh = this.#newSession;
      this.#newSession = false;
      if (!this.#closed) this.#events.connected(fresh);
    });
    client.on('disconnected', () => {
      if (!this.#closed) this.#events.disconnected();
    });
    client.on('expired', () => {
      if (this.#closed) return;
      client.removeAllListeners();
      client.close();
      this.#newSession = true;
      this.#events.expired();
      this.#client = this.#open();
    });
    client.connect();
    return client;
  }

  getChildren(path: string, watcher?: (event: Event) => void): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const callback = (error: unknown, children: string[]): void => (error ? reject(error) : resolve(children));
      if (watcher === undefined) this.#client.getChildren(path, callback);
      else this.#client.getChildren(path, watcher, callback);
    });
  }

  getData(path: string): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => this.#client.getData(path, (error, data) => (error ? reject(error) : resolve(data ?? undefined))));
  }

  exists(path: string, watcher: (event: Event) => void): Promise<Stat | undefined> {
    return new Promise((resolve, reject) => this.#client.exists(path, watcher, (error, stat) => (error ? reject(error) : resolve(stat ?? undefined))));
  }

  mkdirp(path: string): Promise<void> {
    return new Promise((resolve, reject) => this.#client.mkdirp(path, (error) => (error ? reject(error) : resolve())));
  }

  createEphemeral(path: string, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.#client.create(path, data, this.#zk.CreateMode.EPHEMERAL, (error) => (error ? reject(error) : resolve())));
  }

  remove(path: string): Promise<void> {
    return new Promise((resolve, reject) => this.#client.remove(path, (error) => (error ? reject(error) : resolve())));
  }

  /** The ZooKeeper error code of `error` (e.g. Exception.NO_NODE), or undefined for other errors. */
  codeOf(error: unknown): number | undefined {
    return error instanceof this.#zk.Exception ? error.getCode() : undefined;
  }
}
