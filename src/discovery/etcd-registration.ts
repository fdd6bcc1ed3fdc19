import type { Etcd3, Lease } from 'etcd3';
import { RemotingError } from '../errors.js';
import { DiscoveryError } from './errors.js';
import { connectEtcd, etcdProvidersPrefix, type EtcdConnectionOptions } from './etcd-client.js';
import { createInstance } from './instance.js';
import { encodeProviderRecord } from './provider-record.js';
import { KeptRegistration } from './kept-registration.js';
import type { ProviderEndpoint } from './registration.js';

export interface EtcdRegistrationOptions extends EtcdConnectionOptions {
  readonly service: string;
  /** The address consumers should dial, and what else to tell them. */
  readonly endpoint: ProviderEndpoint;
  /** Lease TTL in seconds (default 10): how long a crashed provider stays listed. */
  readonly ttlSeconds?: number;
  /** First delay before re-registering after the lease was lost, doubled up to 30 s (default 500 ms). */
  readonly retryMs?: number;
  /** Per request, default 5 000 ms. */
  readonly timeoutMs?: number;
}

/**
 * A provider's key in etcd, `<root>/<service>/providers/<host:port>`, attached to a lease that the
 * etcd3 client keeps alive (every TTL/3). Graceful close revokes the lease, which deletes the key at
 * once; a crash stops the keep-alives and etcd deletes the key when the lease expires. If the lease
 * is lost while running (etcd unreachable longer than the TTL), a new lease and key are written,
 * retried with backoff until it works or `deregister` is called.
 */
export class EtcdRegistration extends KeptRegistration {
  readonly #options: EtcdRegistrationOptions;
  readonly #ttlSeconds: number;
  readonly #timeoutMs: number;
  #client: Etcd3 | undefined;
  #ownsClient = false;
  #lease: Lease | undefined;

  constructor(options: EtcdRegistrationOptions) {
    const { host, port, weight, metadata } = options.endpoint;
    const instance = createInstance(host, port, { weight, metadata });
    super(etcdProvidersPrefix(options.service, options.root) + instance.addr, options.retryMs ?? 500);
    this.#options = options;
    this.#ttlSeconds = options.ttlSeconds ?? 10;
    if (!Number.isInteger(this.#ttlSeconds) || this.#ttlSeconds < 1) throw new RemotingError('INVALID_ARGUMENT', `ttlSeconds must be a positive integer, got ${this.#ttlSeconds}`);
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  async register(): Promise<void> {
    if (this.state === 'closed') throw new DiscoveryError('REGISTRY', this.key, 'registration was closed');
    if (this.state !== 'idle') return this.attempting;
    const { client, owned } = await connectEtcd(this.#options, this.key);
    this.#client = client;
    this.#ownsClient = owned;
    this.state = 'registering';
    this.attempting = this.writeEntry();
    try {
      await this.attempting;
    } catch (error) {
      // The first registration failing is the caller's to handle: leave nothing running.
      await this.deregister();
      throw error;
    }
  }

  async deregister(): Promise<void> {
    if (!this.close()) return;
    await this.attempting?.catch(() => undefined);
    const lease = this.#lease;
    this.#lease = undefined;
    try {
      if (lease !== undefined) {
        lease.removeAllListeners();
        await lease.revoke({ deadline: Date.now() + this.#timeoutMs });
      }
    } catch (error) {
      // The key still expires with its lease; say so rather than fail the provider's shutdown.
      this.report(new DiscoveryError('REGISTRY', this.key, `revoke failed, the entry expires in ≤${this.#ttlSeconds}s: ${(error as Error).message}`, { cause: error }));
    } finally {
      if (this.#ownsClient) this.#client?.close();
    }
  }

  protected async writeEntry(): Promise<void> {
    const client = this.#client as Etcd3;
    const lease = client.lease(this.#ttlSeconds, { autoKeepAlive: true, deadline: Date.now() + this.#timeoutMs });
    // The lease emits 'lost' also when its first grant fails; the rejected put reports that case.
    lease.on('lost', (error) => this.#onLost(lease, error));
    this.#lease = lease;
    try {
      await lease.put(this.key).value(encodeProviderRecord(this.#options.endpoint)).exec();
    } catch (error) {
      lease.removeAllListeners();
      lease.release();
      if (this.#lease === lease) this.#lease = undefined;
      throw new DiscoveryError('REGISTRY', this.key, `cannot register: ${(error as Error).message}`, { cause: error });
    }
    this.markRegistered();
  }

  #onLost(lease: Lease, error: Error): void {
    if (this.#lease !== lease || this.state !== 'registered') return;
    this.#lease = undefined;
    lease.removeAllListeners();
    this.state = 'registering';
    this.report(new DiscoveryError('REGISTRY', this.key, `lease lost, re-registering: ${error.message}`, { cause: error }));
    void this.rewrite();
  }
}
