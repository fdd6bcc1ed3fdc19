import { RemotingError } from '../errors.js';

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parses `host:port`, `[ipv6]:port`, or an unbracketed IPv6 literal split at the last `:` (as Java
 * 4.9.7 does).
 */
export function parseAddress(addr: string): HostPort {
  let host: string;
  let portText: string;
  if (addr.startsWith('[')) {
    const close = addr.indexOf(']');
    if (close < 0 || addr[close + 1] !== ':') throw badAddress(addr);
    host = addr.slice(1, close);
    portText = addr.slice(close + 2);
  } else {
    const colon = addr.lastIndexOf(':');
    if (colon <= 0) throw badAddress(addr);
    host = addr.slice(0, colon);
    portText = addr.slice(colon + 1);
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535 || host === '') throw badAddress(addr);
  return { host, port };
}

/** `host:port`, bracketing IPv6 literals. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function badAddress(addr: string): RemotingError {
  return new RemotingError('INVALID_ARGUMENT', `invalid address '${addr}': expected host:port or [ipv6]:port`);
}
