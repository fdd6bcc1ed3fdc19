import type { RemotingCommand } from '../protocol/command.js';
import type { AclCaller } from './acl-verifier.js';
import type { Channel } from './channel.js';

/** What a processor sees besides the request. */
export interface RequestContext {
  /** `ip:port` of the peer. */
  readonly remoteAddress: string;
  /** The connection; a server can send its own requests back over it. */
  readonly channel: Channel;
  /** Aborted when the connection closes (or the engine shuts down): nobody will read the answer. */
  readonly signal: AbortSignal;
  /** `performance.now()` when the request was decoded, for deadline arithmetic. */
  readonly receivedAt: number;
  /** The account that signed the request, when the server verifies ACL signatures; null otherwise (or for an exempt code). */
  readonly caller: AclCaller | null;
}

export type ProcessResult = RemotingCommand | null | undefined | void;

/**
 * Java `NettyRequestProcessor`. Return the response (or a promise of it); return nothing for no
 * answer (oneway requests never get one anyway).
 */
export interface RequestProcessor {
  processRequest(request: RemotingCommand, context: RequestContext): ProcessResult | Promise<ProcessResult>;
  /** True → the caller gets `SYSTEM_BUSY [REJECTREQUEST]` at once (flow control). */
  rejectRequest?(): boolean;
}

export type ProcessorFunction = RequestProcessor['processRequest'];
export type ProcessorLike = RequestProcessor | ProcessorFunction;

export function toProcessor(processor: ProcessorLike): RequestProcessor {
  return typeof processor === 'function' ? { processRequest: processor } : processor;
}

/** Java `RPCHook`: runs around every call; may add ext fields (e.g. ACL signatures). */
export interface RpcHook {
  doBeforeRequest?(remoteAddress: string, request: RemotingCommand): void;
  doAfterResponse?(remoteAddress: string, request: RemotingCommand, response: RemotingCommand | null): void;
}

export type ChannelEventType = 'CONNECT' | 'CLOSE' | 'IDLE' | 'EXCEPTION';

/** Java `ChannelEventListener`'s events, delivered as one `channel` event. */
export interface ChannelEvent {
  type: ChannelEventType;
  remoteAddress: string;
  channel: Channel;
  error?: Error;
}

export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}
