import { networkInterfaces } from 'node:os';
import type { Registration } from '../discovery/registration.js';
import type { Logger } from '../transport/processor.js';
import { ServeError } from './errors.js';

/** Where to register a served provider: etcd and/or ZooKeeper, one entry per service. */
export interface RegistrySettings {
  /** etcd endpoints, e.g. `['http://10.0.0.5:2379']`. */
  readonly etcd?: readonly string[];
  /** ZooKeeper connection string `host:port[,host:port…][/chroot]`. */
  readonly zookeeper?: string;
  /** Services to register; default every service the module serves. */
  readonly services?: readonly string[];
  /** The host consumers should dial; default the listen host, or the first non-internal IPv4 when listening on all interfaces. */
  readonly advertiseHost?: string;
  /** Key / path root in the registry (default each registry's own). */
  readonly root?: string;
  readonly weight?: number;
}

/** The address to publish for a server listening on `host`. */
export function advertisedHost(host: string, configured?: string): string {
  if (configured !== undefined) return configured;
  if (host !== '0.0.0.0' && host !== '::' && host !== '') return host;
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  throw new ServeError('BAD_CONFIG', 'listening on all interfaces and no external IPv4 address found: give the address to register (--advertise)');
}

/** True when `settings` asks for any registry at all. */
export function wantsRegistry(settings: RegistrySettings | undefined): settings is RegistrySettings {
  return settings !== undefined && ((settings.etcd?.length ?? 0) > 0 || settings.zookeeper !== undefined);
}

/**
 * Registers `services` at `host:port` in the configured registries; returns a function removing
 * every entry. When one registration fails, those already written are removed and the error thrown.
 */
export async function registerProvider(settings: RegistrySettings, services: readonly string[], host: string, port: number, logger: Logger): Promise<() => Promise<void>> {
  const names = settings.services ?? services;
  const unknown = names.filter((name) => !services.includes(name));
  if (unknown.length > 0) throw new ServeError('BAD_CONFIG', `cannot register ${unknown.join(', ')}: the module serves ${services.join(', ') || 'nothing'}`);
  const endpoint = { host: advertisedHost(host, settings.advertiseHost), port, ...(settings.weight === undefined ? {} : { weight: settings.weight }) };
  const entries: Registration[] = [];
  if (settings.etcd !== undefined && settings.etcd.length > 0) {
    const { EtcdRegistration } = await import('../discovery/etcd-registration.js');
    for (const service of names) entries.push(new EtcdRegistration({ hosts: [...settings.etcd], service, endpoint, ...(settings.root === undefined ? {} : { root: settings.root }) }));
  }
  if (settings.zookeeper !== undefined) {
    const { ZooKeeperRegistration } = await import('../discovery/zookeeper-registration.js');
    for (const service of names) entries.push(new ZooKeeperRegistration({ connectionString: settings.zookeeper, service, endpoint, ...(settings.root === undefined ? {} : { root: settings.root }) }));
  }
  const unsubscribe = entries.map((entry) => entry.onError((error) => logger.warn(`registration ${entry.key}: [${error.reason}] ${error.message}`)));
  const done: Registration[] = [];
  const removeAll = async (): Promise<void> => {
    const results = await Promise.allSettled(done.map((entry) => entry.deregister()));
    for (const result of results) if (result.status === 'rejected') logger.warn('deregistration failed; the registry drops the entry when its lease or session expires', result.reason);
    for (const off of unsubscribe) off();
  };
  try {
    for (const entry of entries) {
      await entry.register();
      done.push(entry);
    }
  } catch (error) {
    await removeAll();
    throw error;
  }
  return removeAll;
}
