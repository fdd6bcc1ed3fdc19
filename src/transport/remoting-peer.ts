import { EventEmitter } from 'node:events';
import type { Channel } from './channel.js';
import type { Executor } from './executor.js';
import { defaultLogger } from './logger.js';
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
  logger?: Logger;
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

  protected constructor(options: RemotingPeerOptions, defaultPermits: { async: number; oneway: number }) {
    super();
    this.logger = options.logger ?? defaultLogger;
    this.endpoint = new RemotingEndpoint({
      language: options.language,
      version: options.version,
      defaultExecutor: options.defaultExecutor,
      hooks: options.hooks,
      logger: this.logger,
      remarkStackFrame: options.remarkStackFrame,
    });
    this.asyncSemaphore = new Semaphore(options.asyncPermits ?? defaultPermits.async);
    this.onewaySemaphore = new Semaphore(options.onewayPermits ?? defaultPermits.oneway);
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
    channel.on('close', () => {
      onClose();
      this.emitChannelEvent({ type: 'CLOSE', remoteAddress, channel });
    });
    this.emitChannelEvent({ type: 'CONNECT', remoteAddress, channel });
  }

  private emitChannelEvent(event: ChannelEvent): void {
    if (this.listenerCount('channel') === 0) return;
    try {
      this.emit('channel', event);
    } catch (error) {
      this.logger.error('channel event listener threw', error);
    }
  }
}
