import { isIP } from 'node:net';
import { RemotingError } from '../errors.js';
import { formatAddress, parseAddress } from '../transport/address.js';

/** One provider process, as discovery knows it. */
export interface Instance {
  /** Identity within its service: the address unless a source says otherwise. */
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** `host:port`, IPv6 literals bracketed: what the remoting client dials. */
  readonly addr: string;
  /** Relative weight, a positive number (absent: 1). */
  readonly weight?: number;
  /** What the registry or platform said about it (zone, version, SRV target...). */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface InstanceExtras {
  readonly id?: string;
  readonly weight?: number | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
}

/** A validated, frozen instance. */
export function createInstance(host: string, port: number, extras: InstanceExtras = {}): Instance {
  if (host === '' || /[\s/]/.test(host)) throw new RemotingError('INVALID_ARGUMENT', `invalid host '${host}'`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RemotingError('INVALID_ARGUMENT', `invalid port ${port} for ${host}`);
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const addr = formatAddress(bare, port);
  const instance: { -readonly [K in keyof Instance]: Instance[K] } = { id: extras.id ?? addr, host: bare, port, addr };
  const weight = extras.weight;
  if (weight !== undefined) {
    if (!(weight > 0) || !Number.isFinite(weight)) throw new RemotingError('INVALID_ARGUMENT', `invalid weight ${weight} for ${addr}`);
    instance.weight = weight;
  }
  if (extras.metadata !== undefined && Object.keys(extras.metadata).length > 0) instance.metadata = Object.freeze({ ...extras.metadata });
  return Object.freeze(instance);
}

/** An instance from `host:port` / `[ipv6]:port`. */
export function instanceFromAddress(addr: string, extras: InstanceExtras = {}): Instance {
  const { host, port } = parseAddress(addr);
  return createInstance(host, port, extras);
}

export function isIpAddress(host: string): boolean {
  return isIP(host) !== 0;
}

/** Sorted by id, so equal memberships compare equal and print the same. */
export function sortInstances(instances: Iterable<Instance>): Instance[] {
  return [...instances].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** One string per membership (ids, weights, metadata), to tell a real change from a repeat. */
export function membershipFingerprint(sorted: readonly Instance[]): string {
  let text = '';
  for (const instance of sorted) {
    text += `${instance.id}|${instance.addr}|${instance.weight ?? ''}|${instance.metadata === undefined ? '' : JSON.stringify(instance.metadata)}\n`;
  }
  return text;
}
