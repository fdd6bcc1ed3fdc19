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
