import { EventEmitter } from 'node:events';
import type { Channel } from './channel.js';
import type { Executor } from './executor.js';
import { defaultLogger } from './logger.js';
import { ProtocolError } from '../errors.js';
import { childLogger } from '../telemetry/log.js';
import { ioCounters, liveEngines, type EngineSide, type EngineStats, type IoCounters } from '../telemetry/stats.js';
import type { ChannelEvent, Logger, ProcessorLike, RpcHook } from './processor.js';
import { RemotingEndpoint } from './remoting-endpoint.js';
import { Semaphore } from './semaphore.js';

export interface RemotingPeerEvents {
  channel: [event: ChannelEvent];
  /**
   * Client only: the server at `addr` sent its going-away notice (it is closing gracefully). The
   * connection takes no new calls; calls in flight on it still complete.
   */
  goingAway: [addr: string];
}

export interface RemotingPeerOptions {
  hooks?: RpcHook[];
  defaultExecutor?: Executor;
  asyncPermits?: number;
  onewayPermits?: number;
  /** A pino-compatible logger; default: warnings and errors on stderr, the rest with NODE_DEBUG=rocket-rpc. */
  logger?: Logger;
  /** Log calls that take longer than this (warn level, without arguments or bodies). Default: off. */
  slowCallMs?: number;
  language?: string;
  version?: number;
  /** Add the top stack frame (with its file path) to SYSTEM_ERROR remarks. Default false. */
  remarkStackFrame?: boolean;
}

/**
 * What `RemotingClient` and `RemotingServer` share (style rule 12): the endpoint core with its
 * processor table and hooks, the async/oneway permits, and channel events. Each subclass only
 * adds how connections come to be (connect or listen).
 */
export abstract class RemotingPeer extends EventEmitter<RemotingPeerEvents> {
  protected readonly endpoint: RemotingEndpoint;
  protected readonly asyncSemaphore: Semaphore;
  protected readonly onewaySemaphore: Semaphore;
  protected readonly logger: Logger;
  /** Where this side's traffic is counted (process-wide totals per side). */
  protected readonly ioCounters: IoCounters;
  private readonly side: EngineSide;

  protected constructor(options: RemotingPeerOptions, defaultPermits: { async: number; oneway: number }, side: EngineSide) {
    super();
    this.side = side;
    this.logger = childLogger(options.logger ?? defaultLogger, { component: side === 'client' ? 'remoting-client' : 'remoting-server' });
    this.ioCounters = ioCounters[side];
    this.endpoint = new RemotingEndpoint({
      language: options.language,
      version: options.version,
      defaultExecutor: options.defaultExecutor,
      hooks: options.hooks,
      logger: this.logger,
      remarkStackFrame: options.remarkStackFrame,
      slowCallMs: options.slowCallMs,
    });
    this.asyncSemaphore = new Semaphore(options.asyncPermits ?? defaultPermits.async);
    this.onewaySemaphore = new Semaphore(options.onewayPermits ?? defaultPermits.oneway);
    liveEngines.add(this);
  }

  /** Open connections of this engine. */
  protected abstract get connectionCount(): number;

  /** A point-in-time view for metrics: connections, pending calls, requests in flight, permits in use. */
  stats(): EngineStats {
    return {
      side: this.side,
      connections: this.connectionCount,
      pendingCalls: this.endpoint.pending.size,
      requestsInFlight: this.endpoint.requestsInFlight,
      asyncPermitsInUse: this.asyncSemaphore.permits - this.asyncSemaphore.availablePermits,
      onewayPermitsInUse: this.onewaySemaphore.permits - this.onewaySemaphore.availablePermits,
    };
  }

  /** Stops reporting this engine's state (called by `close()`). */
  protected untrack(): void {
    liveEngines.delete(this);
  }

  registerProcessor(code: number, processor: ProcessorLike, executor?: Executor): void {
    this.endpoint.registerProcessor(code, processor, executor);
  }

  registerDefaultProcessor(processor: ProcessorLike, executor?: Executor): void {
    this.endpoint.registerDefaultProcessor(processor, executor);
  }

  registerRpcHook(hook: RpcHook): void {
    this.endpoint.registerRpcHook(hook);
  }

  /** Serves a new channel: its commands go to the endpoint, its life to `channel` events. */
  protected adoptChannel(channel: Channel, remoteAddress: string, onClose: () => void): void {
    this.endpoint.attach(channel);
    channel.on('idle', () => this.emitChannelEvent({ type: 'IDLE', remoteAddress, channel }));
    channel.on('exception', (error) => this.emitChannelEvent({ type: 'EXCEPTION', remoteAddress, channel, error }));
    channel.on('close', (error) => {
      onClose();
      if (error instanceof ProtocolError) {
        this.logger.warn({ event: 'frame.refused', remote: remoteAddress, reason: error.reason, err: error }, 'refused a frame; connection closed');
      }
      this.logger.debug({ event: 'connection.close', remote: remoteAddress, local: channel.localAddress, reason: channel.closeReason }, 'connection closed');
      this.emitChannelEvent({ type: 'CLOSE', remoteAddress, channel });
    });
    this.logger.debug({ event: 'connection.open', remote: remoteAddress, local: channel.localAddress }, 'connection opened');
    this.emitChannelEvent({ type: 'CONNECT', remoteAddress, channel });
  }

  private emitChannelEvent(event: ChannelEvent): void {
    if (this.listenerCount('channel') === 0) return;
    try {
      this.emit('channel', event);
    } catch (error) {
      this.logger.error({ err: error }, 'channel event listener threw');
    }
  }
}
