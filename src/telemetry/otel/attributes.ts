import type { Attributes } from '@opentelemetry/api';
import { RemotingError } from '../../errors.js';
import { ResponseCode } from '../../protocol/codes.js';
import type { RemotingCommand } from '../../protocol/command.js';
import { parseAddress } from '../../transport/address.js';
import { seedMethodName } from '../method-name.js';

/** `rpc.system.name`: the wire protocol (RocketMQ remoting); the seed RPC convention rides on it. */
export const RPC_SYSTEM_NAME = 'rocketmq_remoting';

/** `rpc.method` of a method a server does not serve (semantic conventions: `_OTHER`). */
export const OTHER_METHOD = '_OTHER';

/** A seed RPC call as `Service/method`; any other request by its request code (e.g. `100`). */
export function clientMethod(request: RemotingCommand): string {
  return seedMethodName(request) ?? String(request.code);
}

/** The processor's name for the request; its code when the processor names none; `_OTHER` when nothing serves it. */
export function serverMethod(request: RemotingCommand, method: string | null | undefined): string {
  if (method === undefined) return OTHER_METHOD;
  return method ?? String(request.code);
}

/** `server.address` / `server.port` of `host:port` (nothing when it does not parse). */
export function addAddress(attributes: Attributes, addr: string, prefix: 'server' | 'client'): void {
  if (addr === '') return;
  try {
    const { host, port } = parseAddress(addr);
    attributes[`${prefix}.address`] = host;
    attributes[`${prefix}.port`] = port;
  } catch {
    // Not host:port (a custom connector's name): left out rather than guessed.
  }
}

/**
 * `error.type` of a call that failed: the error's stable code (`TIMEOUT`, `CONNECT_FAILED`…), or
 * for an answer with a non-zero response code that code (`1` SYSTEM_ERROR, `2` SYSTEM_BUSY…).
 * Undefined for a success.
 */
export function errorType(response: RemotingCommand | null, error: unknown): string | undefined {
  if (error != null) {
    if (error instanceof RemotingError) return error.code;
    return error instanceof Error ? error.name : '_OTHER';
  }
  if (response !== null && response.code !== ResponseCode.SUCCESS) return String(response.code);
  return undefined;
}

/** The attributes of one series (method, address) and of each outcome seen for it, made once. */
export class SeriesAttributes {
  private readonly outcomes = new Map<string, Attributes>();

  constructor(readonly start: Readonly<Attributes>) {}

  /** The start attributes plus `rpc.response.status_code` (the remoting response code) and `error.type`. */
  outcome(response: RemotingCommand | null, error: unknown): Attributes {
    const status = response === null ? undefined : String(response.code);
    const type = errorType(response, error);
    const key = `${status ?? ''}|${type ?? ''}`;
    let attributes = this.outcomes.get(key);
    if (attributes === undefined) {
      attributes = { ...this.start };
      if (status !== undefined) attributes['rpc.response.status_code'] = status;
      if (type !== undefined) attributes['error.type'] = type;
      if (this.outcomes.size < MAX_SERIES) this.outcomes.set(key, attributes);
    }
    return attributes;
  }
}

const MAX_SERIES = 4096;

/**
 * Attribute objects by series, so a call allocates none and parses no address: the SDK then hashes
 * the same objects each time. Bounded: past `MAX_SERIES` entries it starts over.
 */
export class SeriesCache {
  private readonly entries = new Map<string, SeriesAttributes>();

  get(key: string, make: () => Attributes): SeriesAttributes {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= MAX_SERIES) this.entries.clear();
      entry = new SeriesAttributes(make());
      this.entries.set(key, entry);
    }
    return entry;
  }
}
