import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import type { RemotingCommand } from '../protocol/command.js';
import type { SerializeType } from '../protocol/codes.js';
import { RemotingError } from '../errors.js';
import { formatAddress } from './address.js';
import { Channel } from './channel.js';
import { ConnectionLimits, type ConnectionLimitCounters, type ConnectionLimitOptions } from './connection-limits.js';
import { EngineClosedError, RemotingTooMuchRequestError } from './errors.js';
import type { Executor } from './executor.js';
import type { Logger, RpcHook } from './processor.js';
import type { InvokeOptions } from './remoting-endpoint.js';
import { RemotingPeer, type RemotingPeerEvents } from './remoting-peer.js';
import { timerDelay } from './timer-delay.js';

export interface RemotingServerOptions extends ConnectionLimitOptions {
  /** Listen address. Default `0.0.0.0` (all interfaces, as Java). */
  host?: string;
  /** Listen port; 0 picks a free one. Default 8888 (Java `listenPort`). */
  port?: number;
  /** Serve TLS: `tls.createServer` options (key, cert; `requestCert` + `ca` for mutual TLS). */
  tls?: tls.TlsOptions;
  /** Close connections idle this long. Default 120 000 ms (Java `serverChannelMaxIdleTimeSeconds`); 0 disables. */
  maxIdleMs?: number;
  maxFrameLength?: number;
  hooks?: RpcHook[];
  /** Executor for processors registered without one (Java's public executor). */
  defaultExecutor?: Executor;
  /** Header serialization for requests the server sends to clients; default each command's own. */
  serializeType?: SerializeType;
  /** In-flight async requests the server sends to clients. Default 64. */
  asyncPermits?: number;
  /** In-flight oneway requests the server sends to clients. Default 256. */
  onewayPermits?: number;
  backlog?: number;
  /**
   * Accepted TCP connections open at once; more are closed as soon as they are accepted (before
   * any TLS handshake) and counted in `stats().connectionsRefused`. Default: no limit.
   */
  maxConnections?: number;
  logger?: Logger;
  language?: string;
  version?: number;
}

export interface ServerAddress {
  host: string;
  port: number;
  /** `host:port` to give to clients. */
  addr: string;
}

export interface CloseOptions {
  /** How long in-flight requests may take to finish before connections are cut. Default 5000 ms. */
  graceMs?: number;
}

export type RemotingServerEvents = RemotingPeerEvents;

/** A snapshot of the server's connection limits at work: plain numbers (docs/guarantees.md). */
export interface RemotingServerStats extends ConnectionLimitCounters {
  /** Connections being served now. */
  connections: number;
  /** Bytes held in unfinished frames across all connections now (counted against `inboundBudgetBytes`). */
  inboundBytesHeld: number;
  /** Requests dispatched to processors and not yet answered, across all connections. */
  requestsInProgress: number;
}

/**
 * Java `NettyRemotingServer`: accepts connections, routes requests by code to processors running
 * on their executors, and can call its clients back over their connections.
 */
export class RemotingServer extends RemotingPeer {
  private readonly options: RemotingServerOptions;
  private readonly liveChannels = new Set<Channel>();
  /** Every accepted TCP socket still open, including TLS ones whose handshake has not finished. */
  private readonly acceptedSockets = new Set<net.Socket>();
  private server: net.Server | null = null;
  private bound: ServerAddress | null = null;
  private state: 'new' | 'started' | 'closing' | 'closed' = 'new';
  private readonly limits: ConnectionLimits;

  constructor(options: RemotingServerOptions = {}) {
    super(options, { async: 64, oneway: 256 });
    this.options = options;
    this.limits = new ConnectionLimits(options, this.logger, 'server');
    const max = options.maxConnections;
    if (max !== undefined && !(Number.isSafeInteger(max) && max >= 1)) {
      throw new RemotingError('INVALID_ARGUMENT', `maxConnections must be a whole number >= 1, got ${String(max)}`);
    }
  }

  /** What the connection limits are doing now; a fresh object of plain numbers each call. */
  stats(): RemotingServerStats {
    return {
      ...this.limits.counters,
      connections: this.liveChannels.size,
      inboundBytesHeld: this.limits.budget?.usedBytes ?? 0,
      requestsInProgress: this.endpoint.requestsInFlight,
    };
  }

  /** Connected clients. */
  get channels(): ReadonlySet<Channel> {
    return this.liveChannels;
  }

  /** Requests being processed right now. */
  get requestsInFlight(): number {
    return this.endpoint.requestsInFlight;
  }

  /** The bound address; throws before `start()`. */
  address(): ServerAddress {
    if (this.bound === null) throw new RemotingError('INVALID_ARGUMENT', 'RemotingServer is not started');
    return this.bound;
  }

  /** Starts listening; resolves with the bound address (port 0 → the port the OS chose). */
  async start(): Promise<ServerAddress> {
    if (this.state !== 'new') throw new RemotingError('INVALID_ARGUMENT', `RemotingServer cannot start: it is ${this.state}`);
    this.state = 'started';
    const onSocket = (socket: net.Socket): void => {
      // A TLS handshake can finish after close() began; such a connection is refused, not served.
      if (this.state !== 'started') {
        socket.destroy();
        return;
      }
      socket.setNoDelay(true);
      this.acceptStream(socket, formatAddress(socket.remoteAddress ?? 'unknown', socket.remotePort ?? 0));
    };
    const server = this.options.tls ? tls.createServer(this.options.tls, onSocket) : net.createServer(onSocket);
    if (this.options.tls) {
      server.on('tlsClientError', (error, socket) => {
        this.logger.debug(`TLS handshake with ${socket.remoteAddress}:${socket.remotePort} failed: ${error.message}`);
      });
    }
    server.on('connection', (socket: net.Socket) => {
      this.acceptedSockets.add(socket);
      socket.once('close', () => this.acceptedSockets.delete(socket));
    });
    if (this.options.maxConnections !== undefined) {
      // net.Server closes connections past `maxConnections` as it accepts them, before 'connection'.
      server.maxConnections = this.options.maxConnections;
      server.on('drop', () => {
        this.limits.counters.connectionsRefused++;
      });
    }
    this.server = server;
    const host = this.options.host ?? '0.0.0.0';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: this.options.port ?? 8888, backlog: this.options.backlog ?? 1024 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.logger.error('server socket error', error));
    const info = server.address() as net.AddressInfo;
    this.bound = { host: info.address, port: info.port, addr: formatAddress(info.address, info.port) };
    return this.bound;
  }

  /**
   * Serves one connection given as any byte stream (used by the in-memory transport, or a custom
   * listener). Returns its channel.
   */
  acceptStream(stream: Duplex, remoteAddress: string): Channel {
    if (this.state === 'closing' || this.state === 'closed') {
      stream.destroy();
      throw new EngineClosedError('RemotingServer');
    }
    const channel = new Channel(stream, {
      remoteAddress,
      localAddress: this.bound?.addr ?? '',
      maxFrameLength: this.options.maxFrameLength,
      maxIdleMs: this.options.maxIdleMs ?? 120_000,
      limits: this.limits,
    });
    this.liveChannels.add(channel);
    this.adoptChannel(channel, remoteAddress, () => this.liveChannels.delete(channel));
    return channel;
  }

  /** Sends a request to a connected client and resolves with its response. */
  invokeSync(channel: Channel, request: RemotingCommand, timeoutMs: number, options: InvokeOptions = {}): Promise<RemotingCommand> {
    if (this.state === 'closed') return Promise.reject(new EngineClosedError('RemotingServer'));
    if (this.options.serializeType !== undefined) request.serializeType = this.options.serializeType;
    return this.endpoint.invoke(channel, channel.remoteAddress, request, timeoutMs, performance.now(), options, undefined, true);
  }

  /** Like `invokeSync`, bounded by the server's async semaphore (Java default 64). */
  async invokeAsyncPromise(channel: Channel, request: RemotingCommand, timeoutMs: number, options: InvokeOptions = {}): Promise<RemotingCommand> {
    const permit = this.asyncSemaphore.tryAcquire() ?? (await this.asyncSemaphore.acquire(timeoutMs, options.signal));
    if (permit === null) throw new RemotingTooMuchRequestError(channel.remoteAddress, `invokeAsyncImpl tryAcquire semaphore timeout, ${timeoutMs}ms`);
    try {
      return await this.invokeSync(channel, request, timeoutMs, options);
    } finally {
      permit.release();
    }
  }

  /**
   * Sends a oneway request to a connected client; resolves when written. Rejects with
   * `RemotingTimeoutError` when it is not written within `timeoutMs`; the permit is then held until
   * the write ends (see `RemotingClient.invokeOneway`).
   */
  async invokeOneway(channel: Channel, request: RemotingCommand, timeoutMs: number): Promise<void> {
    const begin = performance.now();
    const permit = this.onewaySemaphore.tryAcquire() ?? (await this.onewaySemaphore.acquire(timeoutMs));
    if (permit === null) throw new RemotingTooMuchRequestError(channel.remoteAddress, `invokeOnewayImpl tryAcquire semaphore timeout, ${timeoutMs}ms`);
    if (this.options.serializeType !== undefined) request.serializeType = this.options.serializeType;
    await this.endpoint.invokeOneway(channel, channel.remoteAddress, request, { timeoutMs, begin }, () => permit.release());
  }

  /**
   * Graceful close: stop accepting, leave new requests unanswered, let in-flight requests finish
   * (up to `graceMs`) and their responses flush, then close every connection.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    const graceMs = options.graceMs ?? 5000;
    const deadline = performance.now() + graceMs;
    const listening = this.server;
    const stopped = listening === null ? Promise.resolve() : new Promise<void>((resolve) => listening.close(() => resolve()));
    this.endpoint.refuseRequests = true;
    await raceTimeout(this.endpoint.drained(), graceMs);
    // Responses of finished requests sit in corked streams until the next tick; end() flushes them.
    const ends = [...this.liveChannels].map((channel) => new Promise<void>((resolve) => {
      channel.once('close', () => resolve());
      channel.end();
    }));
    await raceTimeout(Promise.all(ends), Math.max(100, deadline - performance.now()));
    for (const channel of [...this.liveChannels]) channel.close();
    // Sockets that never became channels (a TLS handshake still pending) would keep net.Server.close() waiting.
    for (const socket of [...this.acceptedSockets]) socket.destroy();
    this.endpoint.shutdown(() => new EngineClosedError('RemotingServer'));
    await stopped;
    this.state = 'closed';
  }
}

function raceTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timerDelay(ms));
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
