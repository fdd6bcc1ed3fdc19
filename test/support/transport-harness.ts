/**
 * Shared pieces of the transport tests: servers and clients on 127.0.0.1 that close themselves in
 * `after` hooks, a logger that records what the engine says (and lets a test wait for a line), and
 * small promise helpers so tests wait on events instead of sleeping.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TestContext } from 'node:test';
import { RemotingCommand } from '../../src/protocol/command.js';
import { RemotingError } from '../../src/errors.js';
import type { Logger, LogFields } from '../../src/telemetry/log.js';
import { RemotingClient, type RemotingClientOptions } from '../../src/transport/remoting-client.js';
import { RemotingServer, type RemotingServerOptions } from '../../src/transport/remoting-server.js';

export interface LogEntry {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  message: string;
  /** The line's structured fields (pino's merging object); empty for a message alone. */
  fields: LogFields;
}

/** A logger that keeps every line (nothing reaches the console) and can be awaited. */
export class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];
  private waiters: Array<{ predicate: (entry: LogEntry) => boolean; resolve: (entry: LogEntry) => void }> = [];

  trace(first: LogFields | string, message?: string): void {
    this.record(entry('trace', first, message));
  }

  debug(first: LogFields | string, message?: string): void {
    this.record(entry('debug', first, message));
  }

  info(first: LogFields | string, message?: string): void {
    this.record(entry('info', first, message));
  }

  warn(first: LogFields | string, message?: string): void {
    this.record(entry('warn', first, message));
  }

  error(first: LogFields | string, message?: string): void {
    this.record(entry('error', first, message));
  }

  count(predicate: (entry: LogEntry) => boolean): number {
    return this.entries.filter(predicate).length;
  }

  /** Resolves with the first entry (already logged or future) that matches. */
  waitFor(predicate: (entry: LogEntry) => boolean): Promise<LogEntry> {
    const found = this.entries.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  /** Resolves once `count` entries matching `predicate` have been logged. */
  async waitForCount(predicate: (entry: LogEntry) => boolean, count: number): Promise<void> {
    while (this.count(predicate) < count) await new Promise<void>((resolve) => this.countWaiters.push(resolve));
  }

  private countWaiters: Array<() => void> = [];

  private record(entry: LogEntry): void {
    this.entries.push(entry);
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (waiter.predicate(entry)) waiter.resolve(entry);
      else still.push(waiter);
    }
    this.waiters = still;
    const counting = this.countWaiters;
    this.countWaiters = [];
    for (const wake of counting) wake();
  }
}

function entry(level: LogEntry['level'], first: LogFields | string, message: string | undefined): LogEntry {
  return typeof first === 'string' ? { level, message: first, fields: {} } : { level, message: message ?? '', fields: first };
}

/** The line the engine logs when it drops a response nobody waits for. */
export const isDroppedResponse = (entry: LogEntry): boolean => entry.level === 'debug' && entry.message.startsWith('dropping a response');

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A counter a test can wait on: `await counter.reached(10)`. */
export class Counter {
  private current = 0;
  private waiters: Array<{ target: number; resolve: () => void }> = [];

  get value(): number {
    return this.current;
  }

  increment(by = 1): void {
    this.current += by;
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (this.current >= waiter.target) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }

  reached(target: number): Promise<void> {
    if (this.current >= target) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }
}

export interface StartedServer {
  server: RemotingServer;
  addr: string;
  port: number;
  logger: RecordingLogger;
}

/** A started `RemotingServer` on 127.0.0.1, port 0, closed after the test. */
export async function startServer(t: TestContext, options: RemotingServerOptions = {}, setup?: (server: RemotingServer) => void): Promise<StartedServer> {
  const logger = new RecordingLogger();
  const server = new RemotingServer({ host: '127.0.0.1', port: 0, logger, ...options });
  setup?.(server);
  t.after(() => server.close({ graceMs: 1000 }));
  const { addr, port } = await server.start();
  return { server, addr, port, logger };
}

/** A started server whose code-1 requests wait until `release()`, then answer `done <ext n>`. */
export interface HoldingServer extends StartedServer {
  /** Counts the code-1 requests that have started. */
  started: Counter;
  release(): void;
}

/** {@link startServer} with a code-1 processor that holds its requests (for close and drain tests); `setup` adds more. */
export async function startHoldingServer(t: TestContext, setup?: (server: RemotingServer) => void): Promise<HoldingServer> {
  const held = deferred<void>();
  t.after(() => held.resolve());
  const started = new Counter();
  const server = await startServer(t, {}, (s) => {
    s.registerProcessor(1, async (req) => {
      started.increment();
      await held.promise;
      return response(0, { body: `done ${req.getExt('n')}` });
    });
    setup?.(s);
  });
  return { ...server, started, release: () => held.resolve() };
}

export interface CreatedClient {
  client: RemotingClient;
  logger: RecordingLogger;
}

/** A `RemotingClient` closed after the test. */
export function newClient(t: TestContext, options: RemotingClientOptions = {}): CreatedClient {
  const logger = new RecordingLogger();
  const client = new RemotingClient({ logger, ...options });
  t.after(() => client.close());
  return { client, logger };
}

export function request(code: number, init: { ext?: Record<string, string>; body?: string | Uint8Array; serializeType?: 0 | 1; opaque?: number } = {}): RemotingCommand {
  return RemotingCommand.createRequest(code, {
    extFields: init.ext ?? null,
    body: typeof init.body === 'string' ? Buffer.from(init.body) : (init.body ?? null),
    serializeType: init.serializeType,
    opaque: init.opaque,
  });
}

export function response(code: number, init: { remark?: string; ext?: Record<string, string>; body?: string | Uint8Array | null } = {}): RemotingCommand {
  return RemotingCommand.createResponse(code, init.remark ?? null, {
    extFields: init.ext ?? null,
    body: typeof init.body === 'string' ? Buffer.from(init.body) : (init.body ?? null),
  });
}

export function bodyText(command: RemotingCommand): string | null {
  return command.body === null ? null : Buffer.from(command.body).toString('utf8');
}

/** Asserts `error` is a `RemotingError` of that code (and class, when given) and returns it typed. */
export function assertRemotingError<E extends RemotingError = RemotingError>(error: unknown, code: string, type?: abstract new (...args: never[]) => E): E {
  assert.ok(error instanceof RemotingError, `expected a RemotingError ${code}, got ${String(error)}`);
  assert.equal(error.code, code, `expected code ${code}, got ${error.code}: ${error.message}`);
  if (type !== undefined) assert.ok(error instanceof type, `expected ${type.name}, got ${error.name}`);
  return error as E;
}

/** Resolves with the rejection of `promise`; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the promise to reject');
}

/** Blocks the event loop until `deadline` (performance.now()); used to make two events due in the same turn. */
export function blockEventLoopUntil(deadline: number): void {
  while (performance.now() < deadline) {
    // spin: timers and sockets become due together while nothing runs
  }
}

/** Milliseconds since `start` (performance.now()). */
export function since(start: number): number {
  return performance.now() - start;
}

/** `127.0.0.1:<port>` where nothing listens: a port the OS just gave out and that was closed again. */
export async function refusedAddr(): Promise<string> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `127.0.0.1:${port}`;
}
