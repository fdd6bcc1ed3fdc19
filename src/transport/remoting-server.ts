import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { RemotingCommand } from '../protocol/command.js';
import { GOING_AWAY_REQUEST_CODE, ResponseCode, type SerializeType } from '../protocol/codes.js';
import { RemotingError } from '../errors.js';
import type { AclVerifier } from './acl-verifier.js';
import { formatAddress } from './address.js';
import { Channel } from './channel.js';
import { ConnectionLimits, type ConnectionLimitCounters, type ConnectionLimitOptions } from './connection-limits.js';
import { EngineClosedError, RemotingTooMuchRequestError } from './errors.js';
import type { Executor } from './executor.js';
import type { Logger, RpcHook } from './processor.js';
import type { InvokeOptions } from './remoting-endpoint.js';
import { RemotingPeer, type RemotingPeerEvents } from './remoting-peer.js';
import { timerDelay } from './timer-delay.js';
import { countReason, type EngineStats } from '../telemetry/stats.js';

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
  /** A pino-compatible logger; default: warnings and errors on stderr, the rest with NODE_DEBUG=rocket-rpc. */
  logger?: Logger;
  /** Log calls that take longer than this many ms (warn level; method and timing, never arguments or bodies). Default: off. */
  slowCallMs?: number;
  language?: string;
  version?: number;
  /**
   * Demand RocketMQ ACL 1.0 signatures: requests that fail the verifier's check get NO_PERMISSION
   * (16) and never reach a hook or processor (docs/engine-api.md, "Authentication (ACL)").
   */
  acl?: AclVerifier;
  /** Add the top stack frame (with its file path) to SYSTEM_ERROR remarks, for debugging. Default false. */
  remarkStackFrame?: boolean;
}

export interface ServerAddress {
  host: string;
  port: number;
  /** `host:port` to give to clients. */
  addr: string;
}

export interface CloseOptions {
  /**
   * How long the whole close may take: clients answering the going-away notice, then in-flight
   * requests finishing, before connections are cut. Default 5000 ms.
   */
  graceMs?: number;
}

export type RemotingServerEvents = RemotingPeerEvents;

/** A snapshot of the server's connection limits at work: plain numbers (docs/guarantees.md). */
export interface RemotingServerStats extends EngineStats, ConnectionLimitCounters {
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
  private leaving: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private stopped: Promise<void> = Promise.resolve();

  constructor(options: RemotingServerOptions = {}) {
    super(options, { async: 64, oneway: 256 }, 'server');
    this.options = options;
    this.limits = new ConnectionLimits(options, this.logger, 'server');
    const max = options.maxConnections;
    if (max !== undefined && !(Number.isSafeInteger(max) && max >= 1)) {
      throw new RemotingError('INVALID_ARGUMENT', `maxConnections must be a whole number >= 1, got ${String(max)}`);
    }
    this.endpoint.acl = options.acl ?? null;
  }

  /** What the connection limits are doing now; a fresh object of plain numbers each call. */
  override stats(): RemotingServerStats {
    return {
      ...super.stats(),
      ...this.limits.counters,
      connections: this.liveChannels.size,
      inboundBytesHeld: this.limits.budget?.usedBytes ?? 0,
      requestsInProgress: this.endpoint.requestsInFlight,
    };
  }

  /** The ACL verifier every request passes, if the server has one. */
  get acl(): AclVerifier | null {
    return this.endpoint.acl;
  }

  protected get connectionCount(): number {
    return this.liveChannels.size;
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
        countReason(this.ioCounters.connectionsRefused, 'closing');
        socket.destroy();
        return;
      }
      socket.setNoDelay(true);
      this.acceptStream(socket, formatAddress(socket.remoteAddress ?? 'unknown', socket.remotePort ?? 0));
    };
    const server = this.options.tls ? tls.createServer(this.options.tls, onSocket) : net.createServer(onSocket);
    if (this.options.tls) {
      server.on('tlsClientError', (error, socket) => {
        countReason(this.ioCounters.connectionsRefused, 'tls_handshake');
        this.logger.debug({ event: 'connection.refused', reason: 'tls_handshake', remote: `${socket.remoteAddress}:${socket.remotePort}`, err: error }, `TLS handshake with ${socket.remoteAddress}:${socket.remotePort} failed: ${error.message}`);
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
    server.on('error', (error) => this.logger.error({ err: error }, 'server socket error'));
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
      countReason(this.ioCounters.connectionsRefused, 'closing');
      stream.destroy();
      throw new EngineClosedError('RemotingServer');
    }
    const channel = new Channel(stream, {
      remoteAddress,
      localAddress: this.bound?.addr ?? '',
      maxFrameLength: this.options.maxFrameLength,
      maxIdleMs: this.options.maxIdleMs ?? 120_000,
      counters: this.ioCounters,
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
   * First step of a graceful close (`close()` takes it itself; call it earlier to do other work,
   * such as withdrawing registry entries, while clients move away): stops accepting connections and
   * sends every connected client the going-away notice (`GOING_AWAY_REQUEST_CODE`). Requests keep
   * being served. Resolves when every client has answered the notice or left, or after
   * `min(graceMs, 1000)` ms for peers that ignore it. A rocket-rpc client's answer travels behind
   * every request it sent on that connection, and it sends no new ones after it.
   */
  goAway(options: CloseOptions = {}): Promise<void> {
    this.leaving ??= this.announceGoingAway(Math.min(options.graceMs ?? 5000, GOING_AWAY_ANSWER_WAIT_MS));
    return this.leaving;
  }

  /**
   * Graceful close: stop accepting and send the going-away notice (`goAway()`), wait for the
   * clients' answers while still serving, then leave new requests unanswered, let in-flight
   * requests finish (up to `graceMs` in all) and their responses flush, then close every connection.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.closeGracefully(options.graceMs ?? 5000);
    return this.closing;
  }

  private async closeGracefully(graceMs: number): Promise<void> {
    const deadline = performance.now() + graceMs;
    await raceTimeout(this.goAway({ graceMs }), graceMs);
    this.endpoint.refuseRequests = true;
    await raceTimeout(this.endpoint.drained(), Math.max(0, deadline - performance.now()));
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
    await this.stopped;
    this.state = 'closed';
    this.untrack();
  }

  private announceGoingAway(answerWaitMs: number): Promise<void> {
    if (this.state === 'new' || this.state === 'started') this.state = 'closing';
    const listening = this.server;
    this.stopped = listening === null ? Promise.resolve() : new Promise<void>((resolve) => listening.close(() => resolve()));
    const begin = performance.now();
    let understood = 0;
    let other = 0;
    const answers = [...this.liveChannels].map((channel) => {
      const notice = RemotingCommand.createRequest(GOING_AWAY_REQUEST_CODE);
      notice.markOneway();
      if (this.options.serializeType !== undefined) notice.serializeType = this.options.serializeType;
      // Sent with a pending entry although oneway: the answer, when one comes, tells us this peer's
      // earlier requests have all arrived. A peer that never answers times out; no error either way.
      return this.endpoint.invoke(channel, channel.remoteAddress, notice, answerWaitMs, begin).then(
        (answer) => {
          if (answer.code === ResponseCode.SUCCESS) understood++;
          else other++;
        },
        () => {
          other++;
        },
      );
    });
    return Promise.all(answers).then(() => {
      this.logger.debug(`going away: ${understood} clients moved off, ${other} did not answer the notice or do not know it`);
    });
  }
}

/** How long a closing server waits for clients to answer its going-away notice (at most `graceMs`). */
const GOING_AWAY_ANSWER_WAIT_MS = 1000;

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
