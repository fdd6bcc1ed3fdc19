import type { Etcd3, IOptions } from 'etcd3';
import { RemotingError } from '../errors.js';
import { DiscoveryError } from './errors.js';
import { DEFAULT_REGISTRY_ROOT } from './provider-record.js';

/**
 * How to reach etcd: an `Etcd3` client of the application's own (shared, never closed by us) or
 * the hosts to create one (owned and closed by the source or registration).
 */
export interface EtcdConnectionOptions {
  readonly client?: Etcd3;
  readonly hosts?: string | readonly string[];
  /** Further `etcd3` client options (credentials, auth, timeouts) for a client we create. */
  readonly clientOptions?: Omit<IOptions, 'hosts'>;
  /** Key root; providers live under `<root>/<service>/providers/<host:port>`. Default `/rocket-rpc/services`. */
  readonly root?: string;
}

type Etcd3Module = typeof import('etcd3');

/** Loads the optional `etcd3` package; a clear MISSING_DEPENDENCY error when it is not installed. */
export async function loadEtcd3(who: string): Promise<Etcd3Module> {
  try {
    return await import('etcd3');
  } catch (error) {
    throw new DiscoveryError('MISSING_DEPENDENCY', who, "the etcd integration needs the 'etcd3' package: npm install etcd3", { cause: error });
  }
}

export async function connectEtcd(options: EtcdConnectionOptions, who: string): Promise<{ client: Etcd3; owned: boolean }> {
  if (options.client !== undefined) return { client: options.client, owned: false };
  if (options.hosts === undefined) throw new RemotingError('INVALID_ARGUMENT', `${who}: either client or hosts is required`);
  const { Etcd3: Client } = await loadEtcd3(who);
  const hosts = typeof options.hosts === 'string' ? options.hosts : [...options.hosts];
  return { client: new Client({ ...options.clientOptions, hosts }), owned: true };
}

/** `<root>/<service>/providers/` with the service name URL-encoded (it may contain '/'). */
export function etcdProvidersPrefix(service: string, root = DEFAULT_REGISTRY_ROOT): string {
  if (service === '') throw new RemotingError('INVALID_ARGUMENT', 'service is required');
  return `${root.replace(/\/+$/, '')}/${encodeURIComponent(service)}/providers/`;
}
