import { RemotingError } from '../errors.js';

/** Java `RemotingConnectException`: no connection to the address within the connect timeout. */
export class RemotingConnectError extends RemotingError {
  readonly addr: string;
  constructor(addr: string, options?: { cause?: unknown; reason?: string }) {
    super('CONNECT_FAILED', `connect to ${addr} failed${options?.reason ? `: ${options.reason}` : ''}`, options);
    this.addr = addr;
  }
}

/** Java `RemotingSendRequestException`: the request could not be written. */
export class RemotingSendRequestError extends RemotingError {
  readonly addr: string;
  /**
   * True when not one byte of the request reached the connection (it was already closed, or the
   * request could not be encoded): the peer cannot have run it, so any method may be resent.
   * False when a write failed midway.
   */
  readonly unsent: boolean;
  constructor(addr: string, options?: { cause?: unknown; unsent?: boolean }) {
    super('SEND_FAILED', `send request to ${addr} failed`, options);
    this.addr = addr;
    this.unsent = options?.unsent === true;
  }
}

/** Java `RemotingTimeoutException`: no response within the call's timeout. */
export class RemotingTimeoutError extends RemotingError {
  readonly addr: string;
  readonly timeoutMs: number;
  readonly elapsedMs: number;
  readonly opaque: number | undefined;
  constructor(addr: string, timeoutMs: number, elapsedMs: number, opaque?: number, message?: string) {
    super('TIMEOUT', message ?? `wait response on the channel <${addr}> timeout, ${timeoutMs}(ms) (elapsed ${Math.round(elapsedMs)} ms)`);
    this.addr = addr;
    this.timeoutMs = timeoutMs;
    this.elapsedMs = elapsedMs;
    this.opaque = opaque;
  }
}

/** Java `RemotingTooMuchRequestException`: no async/oneway permit within the timeout. */
export class RemotingTooMuchRequestError extends RemotingError {
  readonly addr: string;
  constructor(addr: string, message: string) {
    super('TOO_MANY_REQUESTS', message);
    this.addr = addr;
  }
}

/** The connection carrying a call closed before its response arrived (either side closed it). */
export class ConnectionClosedError extends RemotingError {
  readonly addr: string;
  readonly opaque: number | undefined;
  constructor(addr: string, opaque?: number, options?: { cause?: unknown }) {
    super('CONNECTION_CLOSED', `connection to ${addr} closed before the response${opaque === undefined ? '' : ` (opaque ${opaque})`}`, options);
    this.addr = addr;
    this.opaque = opaque;
  }
}

/** The caller's AbortSignal fired. */
export class AbortedError extends RemotingError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('ABORTED', `${what} aborted`, options);
  }
}

/** The client or server was closed; it takes no new calls. */
export class EngineClosedError extends RemotingError {
  constructor(what: string) {
    super('CLOSED', `${what} is closed`);
  }
}

/** An executor's queue is full (Java: the pool refused the task). */
export class ExecutorRejectedError extends RemotingError {
  readonly executor: string;
  constructor(executor: string) {
    super('TOO_MANY_REQUESTS', `executor ${executor} is saturated`);
    this.executor = executor;
  }
}

/** Which connection limit a peer ran into (docs/guarantees.md). Stable strings. */
export type ConnectionLimitReason = 'FRAME_TIMEOUT' | 'INBOUND_BUDGET';

/**
 * Why the engine closed a connection that broke a limit: a frame that did not complete within the
 * frame timeout, or the largest unfinished frame when the inbound budget ran out. It is the error
 * of the channel's `close` / `exception` events and the cause of the calls that connection fails.
 */
export class ConnectionLimitError extends RemotingError {
  readonly reason: ConnectionLimitReason;
  readonly addr: string;
  constructor(reason: ConnectionLimitReason, addr: string, message: string) {
    super('LIMIT_EXCEEDED', message);
    this.reason = reason;
    this.addr = addr;
  }
}
