/**
 * The core shared by `RemotingClient` and `RemotingServer` (docs/engine-api.md): whichever side opened
 * a connection, requests arriving on it go to the processor table and responses to the pending
 * table, which is what makes server → client requests work with no extra code.
 *
 * A call's life (one pending entry, exactly one way out):
 *
 *   start ──(opaque registered, timer armed, frame written)──► PENDING
 *   PENDING ──response: its opaque, its connection──► completed (RemotingClient runs after-hooks)
 *   PENDING ──its timer fires──────────────────────► failed: RemotingTimeoutError
 *   PENDING ──caller's AbortSignal─────────────────► failed: AbortedError
 *   PENDING ──its connection closes (either side)──► failed: ConnectionClosedError
 *   PENDING ──sweep: >1 s past deadline (safety)───► failed: RemotingTimeoutError
 *
 * Each exit goes through `PendingRequests.take`, which removes the entry and clears its timer, so a
 * response racing its timeout settles the call once and the loser finds nothing. Calls made with a
 * common timeout value share one timer per value (call-deadlines.ts); when it fires for a call
 * that already left, the deadline check (same opaque, same deadline) finds nothing either.
 */
import { performance } from 'node:perf_hooks';
import { RemotingCommand, nextOpaque } from '../protocol/command.js';
import { ResponseCode, SystemRemark, type SerializeType } from '../protocol/codes.js';
import { ProtocolError } from '../errors.js';
import type { Channel } from './channel.js';
import { Executor } from './executor.js';
import { AbortedError, ConnectionClosedError, ExecutorRejectedError, RemotingSendRequestError, RemotingTimeoutError } from './errors.js';
import { CallDeadlines } from './call-deadlines.js';
import { PendingRequests, type PendingCall } from './pending-requests.js';
import { timerDelay } from './timer-delay.js';
import type { AclCaller, AclVerifier } from './acl-verifier.js';
import { errorRemark } from './error-remark.js';
import { toProcessor, type Logger, type ProcessorLike, type ProcessResult, type RequestContext, type RequestProcessor, type RpcHook } from './processor.js';
import { observeServerCall } from '../telemetry/call-observer.js';
import { currentInstrumentation, type ServerCallScope } from '../telemetry/instrumentation.js';

export interface EndpointOptions {
  /** Language written in the commands the engine creates itself (system responses). Default JAVA. */
  language?: string;
  /** Version written in the commands the engine creates itself. Default 0. */
  version?: number;
  /** Executor for processors registered without one (Java: the public executor). */
  defaultExecutor?: Executor;
  hooks?: RpcHook[];
  logger: Logger;
  /** Add the top stack frame to SYSTEM_ERROR remarks (error-remark.ts). Default false. */
  remarkStackFrame?: boolean;
  /** Log requests that take longer than this to answer. Default: off. */
  slowCallMs?: number;
}

interface ProcessorEntry {
  processor: RequestProcessor;
  executor: Executor;
}

/** A call's timeout and when it started (`performance.now()`), for deadlines that span several steps. */
export interface CallDeadline {
  timeoutMs: number;
  begin: number;
}

export interface InvokeOptions {
  signal?: AbortSignal;
}

/**
 * Runs on a response before the caller sees it (the client's after-hooks); if it throws, the call
 * fails with that error instead.
 */
export type ResponseInterceptor = (addr: string, request: RemotingCommand, response: RemotingCommand) => void;

const SWEEP_INTERVAL_MS = 1000;
const NO_OPTIONS: InvokeOptions = Object.freeze({});

/*
 * The resolving functions of the promise being created, captured by one shared executor (it runs
 * synchronously inside `new Promise`) instead of a fresh closure per call.
 */
let capturedResolve: ((response: RemotingCommand) => void) | null = null;
let capturedReject: ((error: unknown) => void) | null = null;
function captureResolvers(resolve: (response: RemotingCommand) => void, reject: (error: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/** The per-call timer's callback (an argument, not a closure, to keep the call's footprint small). */
function expireCall(pending: PendingRequests, opaque: number): void {
  const call = pending.get(opaque);
  if (call === undefined) return;
  const left = call.begin + call.timeoutMs - performance.now();
  if (left > 0) {
    // Node timers may fire up to ~1 ms early (and very long delays are capped): never fail a call
    // before its deadline, wait for the rest instead.
    call.timer = setTimeout(expireCall, timerDelay(Math.ceil(left)), pending, opaque);
    return;
  }
  pending.take(opaque);
  call.fail(new RemotingTimeoutError(call.addr, call.timeoutMs, performance.now() - call.begin, opaque));
}

/** Whether `call` is the one whose deadline a shared timer holds (same opaque, same deadline). */
function hasDeadline(call: PendingCall | undefined, deadline: number): call is PendingCall {
  return call !== undefined && call.timer === null && call.begin + call.timeoutMs === deadline;
}

/**
 * One call in the pending table. A class rather than a bundle of closures because one is made per
 * request on the hot path; its promise settles only through `complete` or `fail`, called by
 * whoever took the call out of the table.
 */
class OutboundCall implements PendingCall {
  timer: NodeJS.Timeout | null = null;
  onAbort: (() => void) | null = null;
  readonly resolve: (response: RemotingCommand) => void;
  readonly reject: (error: unknown) => void;

  constructor(
    readonly opaque: number,
    readonly channel: Channel,
    readonly addr: string,
    readonly begin: number,
    readonly timeoutMs: number,
    private readonly request: RemotingCommand | null,
    private readonly signal: AbortSignal | undefined,
    private readonly intercept: ResponseInterceptor | undefined,
    readonly promise: Promise<RemotingCommand> = new Promise(captureResolvers),
  ) {
    this.resolve = capturedResolve!;
    this.reject = capturedReject!;
    capturedResolve = null;
    capturedReject = null;
  }

  complete(response: RemotingCommand): void {
    this.detach();
    if (this.intercept !== undefined) {
      try {
        this.intercept(this.addr, this.request!, response);
      } catch (error) {
        this.reject(error);
        return;
      }
    }
    this.resolve(response);
  }

  fail(error: Error): void {
    this.detach();
    this.reject(error);
  }

  private detach(): void {
    if (this.onAbort === null) return;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.onAbort = null;
  }
}

export class RemotingEndpoint {
  readonly pending = new PendingRequests({ busy: () => this.deadlines.ref(), idle: () => this.deadlines.unref() });
  /** Timeouts of calls made with common timeout values: one timer per value, not per call. */
  private readonly deadlines = new CallDeadlines(
    (opaque, deadline) => {
      const call = this.pending.get(opaque);
      if (hasDeadline(call, deadline)) expireCall(this.pending, opaque);
    },
    (opaque, deadline) => hasDeadline(this.pending.get(opaque), deadline),
  );
  readonly hooks: RpcHook[];
  private readonly processors = new Map<number, ProcessorEntry>();
  private defaultProcessor: ProcessorEntry | null = null;
  private readonly defaultExecutor: Executor;
  private readonly language: string;
  private readonly version: number;
  private readonly logger: Logger;
  /** Slow-call threshold (0: off); public so the client times its own calls with the same one. */
  readonly slowCallMs: number;
  private sweepTimer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private drainWaiters: Array<() => void> = [];
  /** Set during graceful shutdown: new requests are not answered. */
  refuseRequests = false;
  /** Checks every request before hooks and processors (set by `RemotingServer`'s `acl` option). */
  acl: AclVerifier | null = null;
  private readonly remarkStackFrame: boolean;

  constructor(options: EndpointOptions) {
    this.language = options.language ?? 'JAVA';
    this.version = options.version ?? 0;
    this.defaultExecutor = options.defaultExecutor ?? new Executor({ name: 'public', concurrency: 1024, queueSize: 65_536 });
    this.hooks = [...(options.hooks ?? [])];
    this.logger = options.logger;
    this.remarkStackFrame = options.remarkStackFrame ?? false;
    this.slowCallMs = options.slowCallMs ?? 0;
  }

  registerProcessor(code: number, processor: ProcessorLike, executor?: Executor): void {
    if (!Number.isInteger(code)) throw new RangeError(`request code must be an integer, got ${code}`);
    this.processors.set(code, { processor: toProcessor(processor), executor: executor ?? this.defaultExecutor });
  }

  registerDefaultProcessor(processor: ProcessorLike, executor?: Executor): void {
    this.defaultProcessor = { processor: toProcessor(processor), executor: executor ?? this.defaultExecutor };
  }

  registerRpcHook(hook: RpcHook): void {
    this.hooks.push(hook);
  }

  /** Starts reading commands from a channel and failing its calls when it closes. */
  attach(channel: Channel): void {
    channel.setCommandHandler((command) => {
      if (command.isResponse()) this.onResponse(channel, command);
      else this.onRequest(channel, command);
    });
    channel.on('close', (error) => {
      this.pending.failChannel(channel, (call) => new ConnectionClosedError(call.addr, call.opaque, { cause: error ?? undefined }));
    });
    if (this.sweepTimer === null) {
      this.sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
      this.sweepTimer.unref();
    }
  }

  /**
   * Sends `request` on `channel` and resolves with the response (after `intercept`, if given, has
   * seen it). `begin` is when the caller's timeout started (connect time already counts against it);
   * `beganNow` says that was just now.
   */
  invoke(
    channel: Channel,
    addr: string,
    request: RemotingCommand,
    timeoutMs: number,
    begin: number,
    options: InvokeOptions = NO_OPTIONS,
    intercept?: ResponseInterceptor,
    beganNow = false,
  ): Promise<RemotingCommand> {
    // `beganNow`: the caller read the clock for `begin` just now, with nothing in between (no
    // connect, no hooks), so no time has been used yet; one clock read per call is enough.
    const remaining = beganNow ? timeoutMs : timeoutMs - (performance.now() - begin);
    if (remaining <= 0) {
      return Promise.reject(new RemotingTimeoutError(addr, timeoutMs, performance.now() - begin, request.opaque, `invokeSync call the addr[${addr}] timeout`));
    }
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new AbortedError(`call to ${addr}`, { cause: signal.reason }));
    request.flag &= ~1;
    while (this.pending.has(request.opaque)) request.opaque = nextOpaque();
    const opaque = request.opaque;
    const call = new OutboundCall(opaque, channel, addr, begin, timeoutMs, intercept === undefined ? null : request, signal, intercept);
    const promise = call.promise;
    this.pending.add(call);
    if (!this.deadlines.add(opaque, timeoutMs, begin + timeoutMs)) call.timer = setTimeout(expireCall, timerDelay(remaining), this.pending, opaque);
    if (signal !== undefined) {
      const onAbort = (): void => this.pending.take(opaque)?.fail(new AbortedError(`call to ${addr}`, { cause: signal.reason }));
      call.onAbort = onAbort;
      signal.addEventListener('abort', onAbort, { once: true });
    }
    let written: boolean;
    try {
      written = channel.write(request);
    } catch (error) {
      // Not encodable (e.g. a code outside the ROCKETMQ header's 16 bits): nothing was sent.
      this.pending.take(opaque);
      call.fail(error instanceof ProtocolError ? error : new RemotingSendRequestError(addr, { cause: error, unsent: true }));
      return promise;
    }
    if (!written) {
      this.pending.take(opaque);
      call.fail(new RemotingSendRequestError(addr, { cause: new ConnectionClosedError(addr), unsent: true }));
    }
    return promise;
  }

  /**
   * Writes a oneway request; resolves once the bytes are handed to the OS. With a deadline it
   * rejects with `RemotingTimeoutError` when they are not by then (a peer that stops reading fills
   * the socket's buffers and the write never completes); the bytes stay queued and may still go
   * out later. `onWriteEnded` runs once the write itself has ended, written or failed, whichever way
   * the promise went (the client releases its oneway permit there, as Java does).
   */
  invokeOneway(channel: Channel, addr: string, request: RemotingCommand, deadline?: CallDeadline, onWriteEnded?: () => void): Promise<void> {
    request.markOneway();
    request.flag &= ~1;
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      let settled = false;
      const settle = (error: Error | null): void => {
        if (settled) return;
        settled = true;
        if (timer !== null) clearTimeout(timer);
        if (error === null) resolve();
        else reject(error);
      };
      let written: boolean;
      try {
        written = channel.write(request, (error) => {
          onWriteEnded?.();
          settle(error ? new RemotingSendRequestError(addr, { cause: error }) : null);
        });
      } catch (error) {
        onWriteEnded?.();
        settle(error instanceof ProtocolError ? error : new RemotingSendRequestError(addr, { cause: error }));
        return;
      }
      if (!written) {
        onWriteEnded?.();
        settle(new RemotingSendRequestError(addr, { cause: new ConnectionClosedError(addr), unsent: true }));
        return;
      }
      if (deadline === undefined) return;
      const expire = (): void => {
        const left = deadline.begin + deadline.timeoutMs - performance.now();
        // Timers may fire up to ~1 ms early: never fail before the deadline.
        if (left > 0) {
          timer = setTimeout(expire, timerDelay(Math.ceil(left)));
          return;
        }
        const elapsed = performance.now() - deadline.begin;
        settle(new RemotingTimeoutError(addr, deadline.timeoutMs, elapsed, request.opaque, `invokeOneway to <${addr}> timeout, ${deadline.timeoutMs}(ms): not written within the timeout (is the peer reading?)`));
      };
      timer = setTimeout(expire, timerDelay(Math.max(1, Math.ceil(deadline.begin + deadline.timeoutMs - performance.now()))));
    });
  }

  runBeforeHooks(addr: string, request: RemotingCommand): void {
    for (const hook of this.hooks) hook.doBeforeRequest?.(addr, request);
  }

  runAfterHooks(addr: string, request: RemotingCommand, response: RemotingCommand | null): void {
    for (const hook of this.hooks) hook.doAfterResponse?.(addr, request, response);
  }

  /** Resolves when no request is being processed (graceful shutdown). */
  drained(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  /** Fails everything still pending and stops the sweep timer. */
  shutdown(makeError: (call: PendingCall) => Error): void {
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    this.deadlines.clear();
    this.pending.failAll(makeError);
  }

  private sweep(): void {
    const now = performance.now();
    const swept = this.pending.sweep(now, SWEEP_INTERVAL_MS, (call) => new RemotingTimeoutError(call.addr, call.timeoutMs, now - call.begin, call.opaque));
    if (swept > 0) this.logger.warn({ event: 'sweep', calls: swept }, `sweep failed ${swept} calls whose timers had not fired`);
  }

  private onResponse(channel: Channel, response: RemotingCommand): void {
    // Matched by opaque *and* connection: an answer arriving on another connection (a peer echoing
    // an opaque it was never sent) must not complete someone else's call.
    const call = this.pending.take(response.opaque, channel);
    if (call === undefined) {
      // Late (after a timeout), duplicate, or an answer Java 4.9.7 sends to a oneway request.
      this.logger.debug(`dropping a response that matches no pending call: opaque ${response.opaque}, code ${response.code}`);
      return;
    }
    call.complete(response);
  }

  private onRequest(channel: Channel, request: RemotingCommand): void {
    if (this.refuseRequests) {
      this.logger.debug(`shutting down: request code ${request.code} from ${channel.remoteAddress} not processed`);
      return;
    }
    let caller: AclCaller | null = null;
    if (this.acl !== null) {
      // Before everything else: an unauthenticated peer learns nothing, not even which codes exist.
      const verdict = this.acl.verify(request, channel.remoteAddress);
      if (!verdict.allowed) {
        this.answerSystem(channel, request, ResponseCode.NO_PERMISSION, verdict.remark);
        return;
      }
      caller = verdict.caller;
    }
    const entry = this.processors.get(request.code) ?? this.defaultProcessor;
    // Observed only while an instrumentation is registered or slow calls are logged.
    const scope = currentInstrumentation() === null && this.slowCallMs === 0 ? undefined : this.observe(channel, request, entry);
    if (entry === null) {
      this.answerSystem(channel, request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, SystemRemark.notSupported(request.code), scope);
      return;
    }
    let rejected: boolean;
    try {
      rejected = entry.processor.rejectRequest?.() === true;
    } catch (error) {
      this.answerSystem(channel, request, ResponseCode.SYSTEM_ERROR, errorRemark(error, this.remarkStackFrame), scope);
      return;
    }
    if (rejected) {
      this.answerSystem(channel, request, ResponseCode.SYSTEM_BUSY, SystemRemark.REJECT_REQUEST, scope);
      return;
    }
    this.inFlight++;
    channel.requestStarted();
    const { executor, processor } = entry;
    if (executor.tryAcquire()) {
      // A free slot: run the processor right here. A synchronous answer (the common case) is
      // written without a single promise; an asynchronous one holds the slot until it settles.
      let pending: Promise<void> | undefined;
      try {
        pending = this.process(channel, request, processor, caller, scope);
      } catch (error) {
        this.logger.error({ err: error }, 'request processing failed outside the processor');
      }
      if (pending === undefined) this.releaseSlot(executor, channel);
      else pending.then(() => this.releaseSlot(executor, channel));
      return;
    }
    executor.run(() => this.process(channel, request, processor, caller, scope)).then(
      () => this.finishRequest(channel),
      (error: unknown) => {
        this.finishRequest(channel);
        if (error instanceof ExecutorRejectedError) this.answerSystem(channel, request, ResponseCode.SYSTEM_BUSY, SystemRemark.OVERLOAD, scope);
        else this.logger.error({ err: error }, 'request processing failed outside the processor');
      },
    );
  }

  private observe(channel: Channel, request: RemotingCommand, entry: ProcessorEntry | null): ServerCallScope | undefined {
    let method: string | null | undefined;
    try {
      method = entry === null ? undefined : entry.processor.describe === undefined ? null : entry.processor.describe(request);
    } catch {
      // A processor that cannot name the request does not serve it.
      method = undefined;
    }
    return observeServerCall(this.logger, this.slowCallMs, request, channel.remoteAddress, channel.localAddress, method);
  }

  private releaseSlot(executor: Executor, channel: Channel): void {
    executor.release();
    this.finishRequest(channel);
  }

  /** A request left the processor: its connection may read again if it was at its cap. */
  private finishRequest(channel: Channel): void {
    channel.requestFinished();
    this.inFlight--;
    if (this.inFlight === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /**
   * Runs the processor and answers. Returns a promise only when the processor returned one (it
   * never rejects); processor and hook errors become SYSTEM_ERROR answers.
   */
  private process(channel: Channel, request: RemotingCommand, processor: RequestProcessor, caller: AclCaller | null, scope?: ServerCallScope): Promise<void> | undefined {
    const context: RequestContext = {
      remoteAddress: channel.remoteAddress,
      channel,
      signal: channel.signal,
      receivedAt: performance.now(),
      caller,
    };
    let result: ProcessResult | PromiseLike<ProcessResult>;
    try {
      this.runBeforeHooks(channel.remoteAddress, request);
      result = scope === undefined ? processor.processRequest(request, context) : scope.run(() => processor.processRequest(request, context));
    } catch (error) {
      this.processFailed(channel, request, error, scope);
      return undefined;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (response) => this.processed(channel, request, response ?? null, scope),
        (error: unknown) => this.processFailed(channel, request, error, scope),
      );
    }
    this.processed(channel, request, result ?? null, scope);
    return undefined;
  }

  private processed(channel: Channel, request: RemotingCommand, response: RemotingCommand | null, scope?: ServerCallScope): void {
    try {
      this.runAfterHooks(channel.remoteAddress, request, response);
    } catch (error) {
      this.processFailed(channel, request, error, scope);
      return;
    }
    if (response === null || request.isOneway()) {
      scope?.end(response, null);
      return;
    }
    this.answer(channel, request, response, scope);
  }

  private processFailed(channel: Channel, request: RemotingCommand, error: unknown, scope?: ServerCallScope): void {
    if (error instanceof ExecutorRejectedError) {
      // A processor with its own pool (e.g. WorkerProcessor) is saturated: flow control, as Java.
      this.answerSystem(channel, request, ResponseCode.SYSTEM_BUSY, SystemRemark.OVERLOAD, scope);
      return;
    }
    if (request.isOneway()) this.logger.warn({ err: error, code: request.code }, `processor for oneway request code ${request.code} failed`);
    this.answerSystem(channel, request, ResponseCode.SYSTEM_ERROR, errorRemark(error, this.remarkStackFrame), scope);
  }

  /** Java answers in the request's opaque with bit 0 set; we also keep the request's header type. */
  private answer(channel: Channel, request: RemotingCommand, response: RemotingCommand, scope?: ServerCallScope): void {
    response.opaque = request.opaque;
    response.markResponse();
    response.serializeType = request.serializeType;
    try {
      channel.write(response);
    } catch (error) {
      // The processor built an unencodable response: tell the caller rather than leave it waiting.
      this.logger.error({ err: error, code: request.code }, `response to request code ${request.code} could not be encoded`);
      this.answerSystem(channel, request, ResponseCode.SYSTEM_ERROR, errorRemark(error, this.remarkStackFrame), scope);
      return;
    }
    scope?.end(response, null);
  }

  /**
   * The remoting layer's own answers (docs/protocol.md §6); never sent to oneway requests (an observer
   * still sees the code the answer would have had).
   */
  private answerSystem(channel: Channel, request: RemotingCommand, code: number, remark: string, scope?: ServerCallScope): void {
    if (request.isOneway() && scope === undefined) return;
    const response = new RemotingCommand({ code, remark, language: this.language, version: this.version, opaque: request.opaque, serializeType: request.serializeType as SerializeType });
    response.markResponse();
    scope?.end(response, null);
    if (request.isOneway()) return;
    channel.write(response);
  }
}

function isThenable(value: unknown): value is PromiseLike<ProcessResult> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
