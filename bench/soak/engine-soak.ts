/**
 * The engine soak: many calls over real loopback sockets (a `RemotingServer` and several
 * `RemotingClient`s in this process), mixing sync, async-callback and oneway calls and both header
 * types, with a share of calls that time out (the processor answers after the call's timeout) and
 * connections killed mid-flight from either side. At the end it checks that every call ended within
 * its timeout + the allowed overshoot, and that nothing is left: no pending call, no request in
 * progress, no timer, no socket, and the heap back where it started (after a full GC).
 *
 * Used by `npm run bench -- soak` (bench/soak.ts, 1 000 000 calls) and by a bounded test
 * (test/transport/soak-ends-every-call-and-leaks-nothing.test.ts).
 */
import { setMaxListeners } from 'node:events';
import net from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { RemotingError } from '../../src/errors.js';
import { RemotingCommand } from '../../src/protocol/command.js';
import { ResponseCode, SerializeType } from '../../src/protocol/codes.js';
import type { Logger } from '../../src/transport/processor.js';
import type { LogFields } from '../../src/telemetry/log.js';
import { seededRandom } from '../../test/support/seeded-random.js';
import { RemotingClient, type ResponseFuture } from '../../src/transport/remoting-client.js';
import { RemotingServer } from '../../src/transport/remoting-server.js';
import { activeResourceCounts, LiveResources, settledHeapUsed } from './process-state.js';
import { StallSampler } from './stall-sampler.js';

/** The request code the soak's processor serves. */
const SOAK_CODE = 7301;

export interface SoakOptions {
  /** Calls in the measured round. */
  calls: number;
  /** Clients, one connection each. */
  connections: number;
  /** Calls kept in flight on each connection. */
  inFlightPerConnection: number;
  /** Share of all calls that time out: the processor answers after the call's timeout. */
  timeoutShare: number;
  /**
   * Share of all calls that should end because their connection was killed. A kill ends every call
   * in flight on that connection, so kills are triggered by `killShare / inFlightPerConnection` of the calls.
   */
  killShare: number;
  /** Share of the calls that are oneway. */
  onewayShare: number;
  /** Timeout of ordinary calls, ms. */
  callTimeoutMs: number;
  /** Timeout of the calls meant to time out, ms; the processor answers `lateByMs` after it. */
  shortTimeoutMs: number;
  lateByMs: number;
  /** A call must end within its timeout + this, ms. */
  allowedOvershootMs: number;
  /** Largest accepted heap difference (after GC) between the start and the end, bytes. */
  heapSlackBytes: number;
  /** Calls of the warm-up round (its own server and clients, closed before the baseline is taken). */
  warmupCalls: number;
  seed: number;
  /** Called every `progressEvery` calls of the measured round. */
  onProgress?: (done: number, elapsedMs: number) => void;
  progressEvery?: number;
}

export const DEFAULT_SOAK_OPTIONS: SoakOptions = {
  calls: 1_000_000,
  connections: 16,
  inFlightPerConnection: 16,
  timeoutShare: 0.1,
  killShare: 0.01,
  onewayShare: 0.1,
  callTimeoutMs: 3000,
  shortTimeoutMs: 40,
  lateByMs: 20,
  allowedOvershootMs: 50,
  heapSlackBytes: 5 * 1024 * 1024,
  warmupCalls: 20_000,
  seed: 0x50a4,
};

/** How a call was planned. */
type Fate = 'answer' | 'late' | 'killed-by-server' | 'killed-by-client';
type Mode = 'sync' | 'async' | 'oneway';

/** How a call ended: `ok`, `oneway-written`, an error code (`TIMEOUT`, `CONNECTION_CLOSED`…), or `exception:<name>`. */
type Outcome = string;

export interface SoakCounts {
  calls: number;
  byMode: Record<Mode, number>;
  byHeader: Record<'JSON' | 'ROCKETMQ', number>;
  /** Planned fate → outcome → count. */
  outcomes: Record<Fate, Record<Outcome, number>>;
  killsByServer: number;
  killsByClient: number;
  /** Responses that arrived after their call had ended (late answers), as the client logged them. */
  lateResponsesDropped: number;
  /** Largest `elapsed - timeout` over all calls, ms (negative: every call ended before its timeout). */
  maxOvershootMs: number;
  /** Largest `elapsed - timeout` over the calls that ended with TIMEOUT, ms. */
  maxTimeoutOvershootMs: number;
  /** Calls that ended later than timeout + allowedOvershootMs. */
  overshootViolations: number;
  /**
   * The longest the event loop was late for a 10 ms timer during the round, ms: how long this
   * process was stalled or not scheduled (the machine is shared). No timer can fire during a stall.
   */
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  /**
   * Calls that ended later than timeout + allowedOvershootMs + the event loop's worst lateness
   * between the call's deadline and its end: lateness that a stall of this process does not explain.
   */
  unexplainedOvershootViolations: number;
  /** The largest overshoot left after subtracting that stall, ms. */
  maxUnexplainedOvershootMs: number;
  /** Those calls by `mode/fate/outcome`. */
  unexplainedByKind: Record<string, number>;
  /** Lines the client and server logged at error level (a processor or engine failure). */
  errorsLogged: number;
  durationMs: number;
}

export interface ProcessSnapshot {
  heapUsed: number;
  /** Live async resources by type (async_hooks: unref'd timers included). */
  live: Record<string, number>;
  /** `process.getActiveResourcesInfo()` by type. */
  active: Record<string, number>;
}

export interface SoakReport {
  options: Omit<SoakOptions, 'onProgress'>;
  counts: SoakCounts;
  /** Right after the last call ended, engine still open. */
  afterCalls: { clientPending: number; serverRequestsInFlight: number };
  baseline: ProcessSnapshot;
  end: ProcessSnapshot;
  heapDeltaBytes: number;
  /** Broken promises, empty when the soak passed. */
  failures: string[];
}

/** Counts the client's log lines; the soak logs nothing to the console. */
class CountingLogger implements Logger {
  droppedResponses = 0;
  warnings = 0;
  errors = 0;
  trace(): void {}
  info(): void {}
  debug(first: LogFields | string, message?: string): void {
    const text = typeof first === 'string' ? first : (message ?? '');
    if (text.startsWith('dropping a response')) this.droppedResponses++;
  }
  warn(): void {
    this.warnings++;
  }
  error(): void {
    this.errors++;
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts (the connection closed); leaves no timer or listener. */
function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The processor: answers at once, answers late (`delay` ext), or kills its connection (`kill` ext). */
function startServer(logger: CountingLogger): RemotingServer {
  const server = new RemotingServer({ host: '127.0.0.1', port: 0, logger });
  // Each late answer listens on its connection's signal, more than EventTarget's default warning
  // threshold (10) at once; every listener is removed when its answer is sent.
  const raised = new WeakSet<AbortSignal>();
  server.registerProcessor(SOAK_CODE, (request, context) => {
    if (!raised.has(context.signal)) {
      setMaxListeners(0, context.signal);
      raised.add(context.signal);
    }
    if (request.getExt('kill') !== undefined) {
      context.channel.close(new Error('soak: connection killed by the server'));
      return null;
    }
    const answer = (): RemotingCommand => RemotingCommand.createResponse(ResponseCode.SUCCESS, null, { body: request.body });
    const delayMs = Number(request.getExt('delay') ?? 0);
    if (delayMs === 0) return answer();
    return delay(delayMs, context.signal).then((onTime) => (onTime ? answer() : null));
  });
  return server;
}

interface ClientSlot {
  client: RemotingClient;
  /** The client's current socket (its connector records it), for kills from the client side. */
  socket: net.Socket | null;
}

function newClientSlot(port: number, logger: Logger): ClientSlot {
  const slot: ClientSlot = {
    socket: null,
    client: new RemotingClient({
      logger,
      // Our own connector only to hold the socket: the kill destroys it under the engine's feet.
      connector: () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
          socket.once('connect', () => {
            socket.off('error', reject);
            slot.socket = socket;
            socket.once('close', () => {
              if (slot.socket === socket) slot.socket = null;
            });
            resolve(socket);
          });
          socket.once('error', reject);
        }),
    }),
  };
  return slot;
}

function emptyCounts(): SoakCounts {
  return {
    calls: 0,
    byMode: { sync: 0, async: 0, oneway: 0 },
    byHeader: { JSON: 0, ROCKETMQ: 0 },
    outcomes: { answer: {}, late: {}, 'killed-by-server': {}, 'killed-by-client': {} },
    killsByServer: 0,
    killsByClient: 0,
    lateResponsesDropped: 0,
    maxOvershootMs: Number.NEGATIVE_INFINITY,
    maxTimeoutOvershootMs: Number.NEGATIVE_INFINITY,
    overshootViolations: 0,
    loopDelayMaxMs: 0,
    loopDelayP99Ms: 0,
    unexplainedOvershootViolations: 0,
    maxUnexplainedOvershootMs: Number.NEGATIVE_INFINITY,
    unexplainedByKind: {},
    errorsLogged: 0,
    durationMs: 0,
  };
}

function outcomeOf(error: unknown): Outcome {
  if (error instanceof RemotingError) return error.code;
  return `exception:${error instanceof Error ? error.name : typeof error}`;
}

function asyncCall(client: RemotingClient, addr: string, request: RemotingCommand, timeoutMs: number): Promise<ResponseFuture> {
  return new Promise((resolve) => client.invokeAsync(addr, request, timeoutMs, resolve));
}

interface RoundResult {
  counts: SoakCounts;
  afterCalls: { clientPending: number; serverRequestsInFlight: number };
}

/** One round: a fresh server and clients, `calls` calls, then everything closed. */
async function runRound(options: SoakOptions, calls: number, seed: number, onProgress?: (done: number, elapsedMs: number) => void): Promise<RoundResult> {
  const serverLogger = new CountingLogger();
  const server = startServer(serverLogger);
  const { port, addr } = await server.start();
  const clientLogger = new CountingLogger();
  const slots = Array.from({ length: options.connections }, () => newClientSlot(port, clientLogger));
  const counts = emptyCounts();
  const random = seededRandom(seed);  // the same seed plans the same calls
  const lateShare = options.timeoutShare / (1 - options.onewayShare);
  const killChance = options.killShare / options.inFlightPerConnection;
  const body = Buffer.from('soak-payload-0123456789');
  let next = 0;
  let ended = 0;
  const stalls = new StallSampler();
  stalls.start();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  /** Deadlines and ends of the calls that ended more than allowedOvershootMs late, checked against the stalls at the end. */
  const late: Array<[deadline: number, end: number, kind: string]> = [];
  const began = performance.now();

  const record = (mode: Mode, fate: Fate, outcome: Outcome, start: number, timeoutMs: number): void => {
    const end = performance.now();
    const elapsed = end - start;
    const byOutcome = counts.outcomes[fate];
    byOutcome[outcome] = (byOutcome[outcome] ?? 0) + 1;
    const overshoot = elapsed - timeoutMs;
    if (overshoot > counts.maxOvershootMs) counts.maxOvershootMs = overshoot;
    if (outcome === 'TIMEOUT' && overshoot > counts.maxTimeoutOvershootMs) counts.maxTimeoutOvershootMs = overshoot;
    if (overshoot > options.allowedOvershootMs) {
      counts.overshootViolations++;
      late.push([start + timeoutMs, end, `${mode}/${fate}/${outcome}`]);
    }
    ended++;
    if (onProgress !== undefined && ended % (options.progressEvery ?? 100_000) === 0) onProgress(ended, performance.now() - began);
  };

  const oneCall = async (slot: ClientSlot): Promise<void> => {
    const modeDraw = random();
    const mode: Mode = modeDraw < options.onewayShare ? 'oneway' : modeDraw < options.onewayShare + (1 - options.onewayShare) / 2 ? 'sync' : 'async';
    const serializeType = random() < 0.5 ? SerializeType.JSON : SerializeType.ROCKETMQ;
    const fateDraw = random();
    let fate: Fate = 'answer';
    if (fateDraw < killChance) fate = random() < 0.5 ? 'killed-by-server' : 'killed-by-client';
    else if (mode !== 'oneway' && fateDraw < killChance + lateShare) fate = 'late';
    const timeoutMs = fate === 'late' ? options.shortTimeoutMs : options.callTimeoutMs;
    const ext: Record<string, string> = { lane: 'soak' };
    if (fate === 'late') ext['delay'] = String(options.shortTimeoutMs + options.lateByMs);
    if (fate === 'killed-by-server') ext['kill'] = '1';
    // Held by the server long enough for the client's kill to land while the call is in flight.
    if (fate === 'killed-by-client') ext['delay'] = '200';
    const request = RemotingCommand.createRequest(SOAK_CODE, { extFields: ext, body, serializeType });
    counts.calls++;
    counts.byMode[mode]++;
    counts.byHeader[serializeType === SerializeType.JSON ? 'JSON' : 'ROCKETMQ']++;
    if (fate === 'killed-by-server') counts.killsByServer++;
    if (fate === 'killed-by-client') {
      counts.killsByClient++;
      // Once the request is written (the channel flushes at the end of the tick), destroy the socket.
      setImmediate(() => slot.socket?.destroy());
    }
    const start = performance.now();
    let outcome: Outcome;
    try {
      if (mode === 'sync') {
        const response = await slot.client.invokeSync(addr, request, timeoutMs);
        outcome = response.code === ResponseCode.SUCCESS ? 'ok' : `remote-${response.code}`;
      } else if (mode === 'async') {
        const future = await asyncCall(slot.client, addr, request, timeoutMs);
        if (future.error !== null) outcome = outcomeOf(future.error);
        else outcome = future.response!.code === ResponseCode.SUCCESS ? 'ok' : `remote-${future.response!.code}`;
      } else {
        await slot.client.invokeOneway(addr, request, timeoutMs);
        outcome = 'oneway-written';
      }
    } catch (error) {
      outcome = outcomeOf(error);
    }
    record(mode, fate, outcome, start, timeoutMs);
  };

  const lane = async (slot: ClientSlot): Promise<void> => {
    while (next < calls) {
      next++;
      await oneCall(slot);
    }
  };
  const lanes: Array<Promise<void>> = [];
  for (const slot of slots) for (let i = 0; i < options.inFlightPerConnection; i++) lanes.push(lane(slot));
  await Promise.all(lanes);
  counts.durationMs = performance.now() - began;
  loopDelay.disable();
  stalls.stop();
  // Each sample is the time between two runs of the histogram's timer: its resolution is included.
  counts.loopDelayMaxMs = Math.max(0, loopDelay.max / 1e6 - 10);
  counts.loopDelayP99Ms = Math.max(0, loopDelay.percentile(99) / 1e6 - 10);
  for (const [deadline, end, kind] of late) {
    const unexplained = end - deadline - stalls.worstBetween(deadline, end);
    if (unexplained > counts.maxUnexplainedOvershootMs) counts.maxUnexplainedOvershootMs = unexplained;
    if (unexplained > options.allowedOvershootMs) {
      counts.unexplainedOvershootViolations++;
      counts.unexplainedByKind[kind] = (counts.unexplainedByKind[kind] ?? 0) + 1;
    }
  }

  const afterCalls = {
    clientPending: slots.reduce((sum, slot) => sum + slot.client.pendingCount, 0),
    serverRequestsInFlight: server.requestsInFlight,
  };
  await Promise.all(slots.map((slot) => slot.client.close()));
  // The late answers still being delayed finish within the grace period; then the server closes.
  await server.close({ graceMs: options.shortTimeoutMs + options.lateByMs + 1000 });
  counts.lateResponsesDropped = clientLogger.droppedResponses;
  counts.errorsLogged = clientLogger.errors + serverLogger.errors;
  return { counts, afterCalls };
}

/** Waits (event-loop turns, then short sleeps, at most `maxMs`) until the live resources match `target`. */
async function settleResources(live: LiveResources, target: Record<string, number>, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  const matches = (): boolean => {
    const now = live.counts();
    return [...new Set([...Object.keys(now), ...Object.keys(target)])].every((type) => (now[type] ?? 0) <= (target[type] ?? 0));
  };
  for (let turn = 0; turn < 20 && !matches(); turn++) await new Promise<void>((resolve) => setImmediate(resolve));
  while (!matches() && performance.now() < deadline) await new Promise<void>((resolve) => setTimeout(resolve, 10));
}

async function snapshot(live: LiveResources): Promise<ProcessSnapshot> {
  const heapUsed = await settledHeapUsed();
  return { heapUsed, live: live.counts(), active: activeResourceCounts() };
}

/** Runs the warm-up round, takes the baseline, runs the measured round and checks the promises. */
export async function runSoak(partial: Partial<SoakOptions> = {}): Promise<SoakReport> {
  const options: SoakOptions = { ...DEFAULT_SOAK_OPTIONS, ...partial };
  const live = new LiveResources().enable();
  try {
    // Warm-up: JIT, string caches, frame slab and socket machinery reach their steady size first.
    if (options.warmupCalls > 0) await runRound(options, options.warmupCalls, options.seed ^ 0x5eed);
    const empty: Record<string, number> = {};
    await settleResources(live, empty, 2000);
    const baseline = await snapshot(live);

    const { counts, afterCalls } = await runRound(options, options.calls, options.seed, options.onProgress);
    await settleResources(live, baseline.live, 2000);
    const end = await snapshot(live);
    const heapDeltaBytes = end.heapUsed - baseline.heapUsed;

    const failures: string[] = [];
    const ended = Object.values(counts.outcomes).reduce((sum, byOutcome) => sum + Object.values(byOutcome).reduce((a, b) => a + b, 0), 0);
    if (ended !== options.calls) failures.push(`${ended} of ${options.calls} calls ended`);
    if (afterCalls.clientPending !== 0) failures.push(`${afterCalls.clientPending} calls still pending in the clients after every call ended`);
    if (counts.unexplainedOvershootViolations > 0) {
      failures.push(
        `${counts.unexplainedOvershootViolations} calls ended later than timeout + ${options.allowedOvershootMs} ms + the event-loop stall over their deadline; max overshoot ${counts.maxOvershootMs.toFixed(1)} ms, ${counts.maxUnexplainedOvershootMs.toFixed(1)} ms of it not a stall`,
      );
    }
    for (const [fate, byOutcome] of Object.entries(counts.outcomes)) {
      for (const [outcome, n] of Object.entries(byOutcome)) {
        if (outcome.startsWith('exception:') || outcome.startsWith('remote-')) failures.push(`${n} ${fate} calls ended with ${outcome}`);
      }
    }
    const answered = counts.outcomes.answer;
    if ((answered['TIMEOUT'] ?? 0) > 0) failures.push(`${answered['TIMEOUT']} calls answered at once timed out`);
    for (const type of ['Timeout', 'Immediate', 'TCPWRAP', 'TCPSERVERWRAP', 'WRITEWRAP', 'SHUTDOWNWRAP']) {
      const left = (end.live[type] ?? 0) - (baseline.live[type] ?? 0);
      if (left > 0) failures.push(`${left} ${type} resources left after close`);
    }
    for (const type of ['Timeout', 'TCPSocketWrap', 'TCPServerWrap']) {
      const left = (end.active[type] ?? 0) - (baseline.active[type] ?? 0);
      if (left > 0) failures.push(`${left} active ${type} left after close`);
    }
    if (counts.errorsLogged > 0) failures.push(`${counts.errorsLogged} errors logged by the engine`);
    if (Math.abs(heapDeltaBytes) > options.heapSlackBytes) failures.push(`heap after GC moved by ${(heapDeltaBytes / 1048576).toFixed(2)} MiB (limit ${(options.heapSlackBytes / 1048576).toFixed(2)} MiB)`);
    const { onProgress: _onProgress, ...reported } = options;
    return { options: reported, counts, afterCalls, baseline, end, heapDeltaBytes, failures };
  } finally {
    live.disable();
  }
}
