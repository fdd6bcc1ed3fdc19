import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import { DiscoveryError } from './errors.js';
import { connectEtcd, etcdProvidersPrefix, type EtcdConnectionOptions } from './etcd-client.js';
import type { Instance } from './instance.js';
import { decodeProviderRecord } from './provider-record.js';
import { SourceBase } from './source.js';
import { OwnedTimer } from './timing.js';

export interface EtcdSourceOptions extends EtcdConnectionOptions {
  /** The service whose providers to watch. */
  readonly service: string;
  /** Per request (the initial listing), default 5 000 ms. */
  readonly timeoutMs?: number;
  /** First retry delay after a failed listing, doubled up to 30 s (default 500 ms). */
  readonly retryMs?: number;
  readonly name?: string;
}

/**
 * Providers registered in etcd (v3) under `<root>/<service>/providers/`, each key held by its
 * provider's lease. Lists the prefix once, then watches it from the listing's revision + 1, so no
 * change between the two is missed. The watch resumes from its last revision after a disconnect; if
 * etcd has compacted that revision away the watch is cancelled, and the source lists again.
 * While etcd is unreachable the last good set stays and each failure is reported.
 */
export class EtcdSource extends SourceBase {
  readonly #options: EtcdSourceOptions;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #retryMs: number;
  readonly #entries = new Map<string, Instance>();
  readonly #retryTimer = new OwnedTimer(() => void this.#sync());
  #client: Etcd3 | undefined;
  #ownsClient = false;
  #watcher: Watcher | undefined;
  #failures = 0;
  #syncing: Promise<void> | undefined;
  #disconnected = false;

  constructor(options: EtcdSourceOptions) {
    const prefix = etcdProvidersPrefix(options.service, options.root);
    super(options.name ?? `etcd:${prefix}`);
    this.#options = options;
    this.#prefix = prefix;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#retryMs = options.retryMs ?? 500;
  }

  protected async startSource(): Promise<void> {
    const { client, owned } = await connectEtcd(this.#options, this.name);
    this.#client = client;
    this.#ownsClient = owned;
    if (this.closed) return;
    await this.#sync();
  }

  protected async closeSource(): Promise<void> {
    this.#retryTimer.cancel();
    await this.#syncing;
    this.#retryTimer.cancel();
    await this.#stopWatching();
    if (this.#ownsClient) this.#client?.close();
  }

  /** List the prefix, then watch from the revision after it. Runs once at a time. */
  #sync(): Promise<void> {
    this.#syncing ??= this.#listAndWatch().finally(() => {
      this.#syncing = undefined;
    });
    return this.#syncing;
  }

  async #listAndWatch(): Promise<void> {
    const client = this.#client as Etcd3;
    try {
      await this.#stopWatching();
      const response = await client
        .getAll()
        .prefix(this.#prefix)
        .options({ deadline: Date.now() + this.#timeoutMs })
        .exec();
      if (this.closed) return;
      this.#entries.clear();
      for (const kv of response.kvs) this.#put(kv);
      const revision = BigInt(response.header.revision);
      // The listing is current as of `revision`; the watch delivers everything after it whenever
      // it connects, so the listing is published now rather than after the watch is confirmed
      // (`create()` would wait for that forever if etcd went away between the two).
      const watcher = client
        .watch()
        .prefix(this.#prefix)
        .startRevision((revision + 1n).toString())
        .watcher();
      this.#watch(watcher);
      this.#failures = 0;
      this.#publishEntries();
    } catch (error) {
      if (this.closed) return;
      this.reportError(new DiscoveryError(isUnavailable(error) ? 'UNREACHABLE' : 'REGISTRY', this.name, `cannot list providers: ${(error as Error).message}`, { cause: error, kept: this.knownCount }));
      this.#retryTimer.schedule(Math.min(30_000, this.#retryMs * 2 ** this.#failures++));
    }
  }

  #watch(watcher: Watcher): void {
    this.#watcher = watcher;
    watcher.on('put', (kv) => this.#put(kv));
    watcher.on('delete', (kv) => this.#entries.delete(addrOfKey(kv.key.toString('utf8'), this.#prefix)));
    // 'data' fires after the per-event put/delete of one response: publish once per batch.
    watcher.on('data', () => this.#publishEntries());
    watcher.on('connected', () => {
      // After a reconnect the watch resumed from its last revision: the set is current again.
      if (this.#disconnected) {
        this.#disconnected = false;
        this.#publishEntries();
      }
    });
    watcher.on('disconnected', (error) => {
      if (this.closed) return;
      this.#disconnected = true;
      this.reportError(new DiscoveryError('UNREACHABLE', this.name, `watch disconnected: ${error.message}`, { cause: error, kept: this.knownCount }));
    });
    watcher.on('error', (error) => {
      if (this.closed || this.#watcher !== watcher) return;
      // A cancelled watch (typically: its revision was compacted) does not resume: list again.
      this.reportError(new DiscoveryError('REGISTRY', this.name, `watch failed: ${error.message}`, { cause: error, kept: this.knownCount }));
      this.#watcher = undefined;
      void this.#sync();
    });
  }

  async #stopWatching(): Promise<void> {
    const watcher = this.#watcher;
    this.#watcher = undefined;
    if (watcher === undefined) return;
    watcher.removeAllListeners();
    // Keep an error listener: a late stream error on a cancelled watcher must not crash the process.
    watcher.on('error', () => undefined);
    await watcher.cancel().catch(() => undefined);
  }

  #put(kv: IKeyValue): void {
    const addr = addrOfKey(kv.key.toString('utf8'), this.#prefix);
    try {
      this.#entries.set(addr, decodeProviderRecord(addr, kv.value.toString('utf8')));
    } catch (error) {
      this.#entries.delete(addr);
      this.reportError(new DiscoveryError('MALFORMED', this.name, (error as Error).message, { cause: error, kept: this.knownCount }));
    }
  }

  #publishEntries(): void {
    this.publish(this.#entries.values());
  }
}

function addrOfKey(key: string, prefix: string): string {
  return key.startsWith(prefix) ? key.slice(prefix.length) : key;
}

function isUnavailable(error: unknown): boolean {
  const name = (error as Error | undefined)?.name ?? '';
  const message = (error as Error | undefined)?.message ?? '';
  return /Unavailable|BrokenCircuit|Deadline|ECONNREFUSED|No connection/i.test(`${name} ${message}`);
}
