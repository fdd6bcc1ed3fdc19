import type { DiscoveryErrorListener } from './source.js';

/**
 * A provider's entry in a registry: written on start, removed on graceful close, and removed by the
 * registry itself when the provider dies (etcd lease expiry, ZooKeeper session expiry).
 */
export interface Registration {
  /** The registry key or path of this provider's entry. */
  readonly key: string;
  /** Writes the entry; resolves once the registry has it. Keeps it there until `deregister`. */
  register(): Promise<void>;
  /** Removes the entry now (rather than at lease/session expiry) and releases the connection. */
  deregister(): Promise<void>;
  /** Failures while keeping the entry alive (lost lease, expired session, re-registration). */
  onError(listener: DiscoveryErrorListener): () => void;
}

/** What a provider publishes about itself. */
export interface ProviderEndpoint {
  readonly host: string;
  readonly port: number;
  readonly weight?: number;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The JSON value stored for a provider, in etcd and as ZooKeeper node data. */
export interface ProviderRecord extends ProviderEndpoint {
  readonly registeredAt: string;
}
