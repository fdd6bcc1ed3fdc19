import { RemotingError } from '../errors.js';
import type { ConnectionLimitError } from './errors.js';
import { InboundBudget } from './inbound-budget.js';
import type { Logger } from './processor.js';

/** Per-connection and engine-wide bounds on what a peer can make the engine hold (docs/guarantees.md). */
export interface ConnectionLimitOptions {
  /**
   * Server only. When a connection's queued, unsent bytes pass this, the server stops reading from
   * it until they fall to `writeLowWaterMark`. Default 1 MiB; 0 disables.
   */
  writeHighWaterMark?: number;
  /** Server only. Where reading resumes. Default 512 KiB (half the high-water mark when that is set). */
  writeLowWaterMark?: number;
  /**
   * Requests of one connection dispatched to processors and not yet answered (oneway ones while
   * they run); at the cap the engine stops reading from that connection until one finishes.
   * Default 1024; 0 disables.
   */
  maxRequestsInProgress?: number;
  /**
   * A frame whose first byte has arrived must be complete within this many ms, however slowly the
   * rest trickles in; otherwise the connection is closed (`ConnectionLimitError`, FRAME_TIMEOUT).
   * Default 30 000; 0 disables. The idle timeout still covers quiet connections.
   */
  frameTimeoutMs?: number;
  /**
   * Bytes all connections together may hold in frames not yet complete. When a chunk takes the
   * total past it, the connection holding the largest unfinished frame is closed
   * (`ConnectionLimitError`, INBOUND_BUDGET). Default 128 MiB; 0 disables.
   */
  inboundBudgetBytes?: number;
}

export const DEFAULT_WRITE_HIGH_WATER_MARK = 1024 * 1024;
export const DEFAULT_WRITE_LOW_WATER_MARK = 512 * 1024;
export const DEFAULT_MAX_REQUESTS_IN_PROGRESS = 1024;
export const DEFAULT_FRAME_TIMEOUT_MS = 30_000;
export const DEFAULT_INBOUND_BUDGET_BYTES = 128 * 1024 * 1024;

/**
 * Counters of what the limits did, plain numbers on a plain object (read them with
 * `RemotingServer.stats()` / `RemotingClient.stats()`; metrics exporters poll them).
 */
export interface ConnectionLimitCounters {
  /** Times reading from a connection was paused (outbound backlog or requests in progress). */
  readPauses: number;
  /** Connections whose reading is paused right now. */
  pausedConnections: number;
  /** Connections closed because a frame did not complete within the frame timeout. */
  closedByFrameTimeout: number;
  /** Connections closed because the inbound budget ran out and theirs was the largest unfinished frame. */
  closedByInboundBudget: number;
  /** Server only: connections refused at once because `maxConnections` were open. */
  connectionsRefused: number;
}

/**
 * The limits one server (or client) applies to its connections, shared by all of them, with the
 * counters they update. Channels read the numbers once at creation.
 */
export class ConnectionLimits {
  readonly writeHighWaterMark: number;
  readonly writeLowWaterMark: number;
  /** `Infinity` when disabled, so the per-request check is one comparison. */
  readonly maxRequestsInProgress: number;
  readonly frameTimeoutMs: number;
  readonly budget: InboundBudget | null;
  readonly counters: ConnectionLimitCounters = { readPauses: 0, pausedConnections: 0, closedByFrameTimeout: 0, closedByInboundBudget: 0, connectionsRefused: 0 };
  private readonly logger: Logger;

  constructor(options: ConnectionLimitOptions, logger: Logger, side: 'server' | 'client') {
    const high = side === 'server' ? nonNegative(options, 'writeHighWaterMark', DEFAULT_WRITE_HIGH_WATER_MARK) : 0;
    const lowDefault = high === DEFAULT_WRITE_HIGH_WATER_MARK ? DEFAULT_WRITE_LOW_WATER_MARK : Math.floor(high / 2);
    const low = side === 'server' ? nonNegative(options, 'writeLowWaterMark', lowDefault) : 0;
    if (high > 0 && low > high) throw new RemotingError('INVALID_ARGUMENT', `writeLowWaterMark (${low}) must not exceed writeHighWaterMark (${high})`);
    this.writeHighWaterMark = high;
    this.writeLowWaterMark = low;
    const maxInProgress = nonNegative(options, 'maxRequestsInProgress', DEFAULT_MAX_REQUESTS_IN_PROGRESS);
    this.maxRequestsInProgress = maxInProgress === 0 ? Infinity : maxInProgress;
    this.frameTimeoutMs = nonNegative(options, 'frameTimeoutMs', DEFAULT_FRAME_TIMEOUT_MS);
    const budget = nonNegative(options, 'inboundBudgetBytes', DEFAULT_INBOUND_BUDGET_BYTES);
    this.budget = budget === 0 ? null : new InboundBudget(budget);
    this.logger = logger;
  }

  /** Counts and logs a connection the limits close (the channel closes it right after). */
  closing(error: ConnectionLimitError): void {
    if (error.reason === 'FRAME_TIMEOUT') this.counters.closedByFrameTimeout++;
    else this.counters.closedByInboundBudget++;
    this.logger.warn(`closing connection ${error.addr}: ${error.message}`);
  }
}

function nonNegative<K extends keyof ConnectionLimitOptions>(options: ConnectionLimitOptions, name: K, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
    throw new RemotingError('INVALID_ARGUMENT', `${name} must be a whole number >= 0, got ${String(value)}`);
  }
  return value;
}
