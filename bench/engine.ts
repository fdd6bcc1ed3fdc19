/**
 * Engine benchmark: rocket-rpc's remoting engine (`RemotingClient.invokeSync` against a
 * `RemotingServer`), with JSON and with ROCKETMQ headers, against two baselines in the same run:
 *
 *   raw       a minimal node:net protocol, `[length][request id][payload]` — the practical limit;
 *             it writes as rocket-rpc's channel does (once per tick, the first 8 KiB early);
 *   raw-tick  the same, writing only once per tick (the baseline before the early flush; for
 *             reference, targets are checked against raw);
 *   grpc  @grpc/grpc-js unary calls (bench/engine.proto) — what Node users would otherwise pick.
 *
 * Every system echoes the same three ext fields and a small (20 B), 1 KiB or 64 KiB body, called
 * sequentially (one caller, each call awaited before the next) and pipelined (16 / 128 / 1024 calls
 * in flight on one connection). Servers run in child processes pinned to core 1 with `taskset`;
 * this process, the client, pins itself to core 0. Each case reports calls/s, p50/p99 latency,
 * client and server CPU per call, and ratios to raw and to grpc; a table, then one `BENCH {…}` line.
 *
 * Run: npm run bench -- engine [--quick]
 *  or: npx tsc -p tsconfig.test.json && node .build/bench/engine.js [--quick]
 * Options (after the name): --quick, --duration=MS, --warmup=MS, --rounds=N,
 *   --systems=raw,raw-tick,rocket-json,rocket-rocketmq,grpc, --payloads=small,1k,64k, --in-flight=seq,16,128,1024,
 *   --no-pin, --server-cpu-prof=DIR (profile the servers; run this file with `node --cpu-prof` for
 *   the client side). See docs/bench-engine.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import hdr from 'hdr-histogram-js';
import { printJsonLine, printTable, type ReportRow } from './common/report.js';
import { pinClient } from './common/pin.js';
import { optionText, refuseUnknownOptions } from './common/argv.js';
import { CALL_TIMEOUT_MS, createClient, SYSTEM_NAMES, type BenchClient, type SystemName } from './engine-clients.js';
import { PAYLOAD_NAMES, type PayloadName } from './engine-payloads.js';
import type { ControlReply, ControlRequest } from './engine-servers/control.js';

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  quick: boolean;
  warmupMs: number;
  durationMs: number;
  /** Rounds of the two target cases (small payload: sequential and 128 in flight). */
  rounds: number;
  systems: SystemName[];
  payloads: PayloadName[];
  /** Calls in flight; 1 is the sequential case. */
  inFlight: number[];
  pin: boolean;
  serverCpuProfDir: string | null;
}

const TARGET_IN_FLIGHT = 128;

function parseOptions(argv: readonly string[]): Options {
  const quick = argv.includes('--quick');
  const value = (name: string): string | undefined => optionText(argv, name);
  const list = <T extends string>(name: string, allowed: readonly T[]): T[] => {
    const text = value(name);
    if (text === undefined) return [...allowed];
    const picked = text.split(',').filter((item) => item !== '');
    for (const item of picked) if (!allowed.includes(item as T)) throw new Error(`--${name}: unknown ${item} (expected ${allowed.join(', ')})`);
    return picked as T[];
  };
  const positive = (name: string, fallback: number): number => {
    const text = value(name);
    if (text === undefined) return fallback;
    const number = Number(text);
    if (!Number.isInteger(number) || number < 1 || number > 600_000) throw new Error(`--${name}: expected a whole number from 1 to 600000, got ${text}`);
    return number;
  };
  refuseUnknownOptions(argv, [], ['systems', 'payloads', 'in-flight', 'server-cpu-prof']);
  const inFlight = list('in-flight', ['seq', '16', '128', '1024'] as const).map((item) => (item === 'seq' ? 1 : Number(item)));
  const profDir = value('server-cpu-prof');
  return {
    quick,
    warmupMs: positive('warmup', quick ? 200 : 500),
    durationMs: positive('duration', quick ? 600 : 2000),
    rounds: Math.min(positive('rounds', quick ? 1 : 3), 20),
    systems: list('systems', SYSTEM_NAMES),
    payloads: list('payloads', PAYLOAD_NAMES),
    inFlight,
    pin: !argv.includes('--no-pin'),
    serverCpuProfDir: profDir === undefined ? null : path.resolve(profDir),
  };
}

// ---------------------------------------------------------------------------------------------
// Server processes (children we started; only they are ever signalled, by PID)

type ServerKind = 'raw' | 'raw-tick' | 'rocket' | 'grpc';

const serverKindOf: Record<SystemName, ServerKind> = { raw: 'raw', 'raw-tick': 'raw-tick', 'rocket-json': 'rocket', 'rocket-rocketmq': 'rocket', grpc: 'grpc' };

const SERVER_START_TIMEOUT_MS = 15_000;
const SERVER_STOP_TIMEOUT_MS = 5_000;
const CONTROL_TIMEOUT_MS = 5_000;

const children = new Set<ChildProcess>();

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Last resort, also from the 'exit' handler: SIGKILL every child of ours still running. */
function killChildren(): void {
  for (const child of children) {
    if (alive(child) && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // It exited in the meantime: nothing left to stop.
      }
    }
  }
}

class ServerProcess {
  private nextRequest = 0;
  private readonly waiting = new Map<number, (usage: number) => void>();

  private constructor(
    readonly kind: ServerKind,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: ControlReply) => {
      if (message.type !== 'cpu') return;
      const resolve = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      resolve?.(message.user + message.system);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  static start(kind: ServerKind, core: number | null, nodeArgs: readonly string[]): Promise<ServerProcess> {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'engine-servers', `${kind}.js`);
    const command = core === null ? process.execPath : 'taskset';
    const args = core === null ? [...nodeArgs, script] : ['-c', String(core), process.execPath, ...nodeArgs, script];
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        child.off('error', fail);
        child.off('exit', onEarlyExit);
      };
      const fail = (error: Error): void => {
        settle();
        if (alive(child)) child.kill('SIGKILL');
        reject(error);
      };
      const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null): void => fail(new Error(`${kind} server exited before it was ready (${signal ?? code})`));
      const timer = setTimeout(() => fail(new Error(`${kind} server did not start within ${SERVER_START_TIMEOUT_MS} ms`)), SERVER_START_TIMEOUT_MS);
      child.once('error', fail);
      child.once('exit', onEarlyExit);
      child.once('message', (message: ControlReply) => {
        if (message.type === 'ready') {
          settle();
          resolve(new ServerProcess(kind, message.port, child));
        } else {
          fail(new Error(`${kind} server: unexpected first message ${JSON.stringify(message)}`));
        }
      });
    });
  }

  /** The server's CPU time so far (user + system, µs). */
  cpu(): Promise<number> {
    const id = ++this.nextRequest;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.kind} server did not report its CPU within ${CONTROL_TIMEOUT_MS} ms`));
      }, CONTROL_TIMEOUT_MS);
      this.waiting.set(id, (usage) => {
        clearTimeout(timer);
        resolve(usage);
      });
      this.send({ type: 'cpu', id });
    });
  }

  /** Asks the server to exit (so a CPU profile gets written); kills it if it does not. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!alive(child)) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.send({ type: 'exit' });
    const timer = setTimeout(() => {
      if (alive(child)) child.kill('SIGKILL');
    }, SERVER_STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private send(request: ControlRequest): void {
    if (this.child.connected) this.child.send(request);
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring one case

interface Measurement {
  calls: number;
  seconds: number;
  callsPerSec: number;
  p50Us: number;
  p99Us: number;
  clientCpuUsPerCall: number;
  serverCpuUsPerCall: number;
  /** Share of one core used during the window. */
  clientCpuPct: number;
  serverCpuPct: number;
  /**
   * CPU used by every other process on the machine during the window (% of one core, from
   * /proc/stat, 10 ms ticks): anything well above zero means the numbers are disturbed.
   */
  otherCpuPct: number;
  errors: number;
}

/** Busy CPU time of the whole machine so far (µs), or NaN where /proc/stat does not exist. */
function machineBusyUs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'latin1').slice(0, 200).split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: everything but idle and iowait was busy.
    const busy = fields[0]! + fields[1]! + fields[2]! + fields[5]! + fields[6]! + fields[7]!;
    return (busy * 1e6) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

const CLOCK_TICKS_PER_SECOND = 100;

/** Calls stop being issued once this many failed in one case; the run then reports the failure. */
const MAX_ERRORS = 100;

/**
 * Keeps `inFlight` calls going (each worker awaits its call, then issues the next). The first
 * `warmupMs` are discarded; then calls completing in the next `durationMs` are counted and their
 * latencies recorded; CPU of both processes is read at the window's two ends (set by timers, so a
 * system whose answers come in rare bursts is measured over the same window as the others).
 */
async function measure(client: BenchClient, server: ServerProcess, inFlight: number, warmupMs: number, durationMs: number): Promise<Measurement> {
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000_000, numberOfSignificantValueDigits: 3 });
  let phase: 'warmup' | 'measure' | 'stopped' = 'warmup';
  let calls = 0;
  let errors = 0;
  let firstError: unknown = null;
  let windowStart = 0;
  let windowEnd = 0;
  let clientCpuStart = 0;
  let clientCpuEnd = 0;
  let serverCpuStart: Promise<number> | null = null;
  let serverCpuEnd: Promise<number> | null = null;
  let machineStart = 0;
  let machineEnd = 0;

  const startWindow = (now: number): void => {
    phase = 'measure';
    windowStart = now;
    const usage = process.cpuUsage();
    clientCpuStart = usage.user + usage.system;
    serverCpuStart = server.cpu();
    machineStart = machineBusyUs();
  };
  const endWindow = (now: number): void => {
    phase = 'stopped';
    windowEnd = now;
    const usage = process.cpuUsage();
    clientCpuEnd = usage.user + usage.system;
    serverCpuEnd = server.cpu();
    machineEnd = machineBusyUs();
  };

  const startTimer = setTimeout(() => startWindow(performance.now()), warmupMs);
  const stopTimer = setTimeout(() => endWindow(performance.now()), warmupMs + durationMs);
  const worker = async (): Promise<void> => {
    while (phase !== 'stopped') {
      const t0 = performance.now();
      try {
        await client.call();
      } catch (error) {
        errors++;
        firstError ??= error;
        if (errors >= MAX_ERRORS) {
          clearTimeout(startTimer);
          clearTimeout(stopTimer);
          phase = 'stopped';
        }
        continue;
      }
      if (phase === 'measure') {
        calls++;
        histogram.recordValue(Math.max(1, Math.round((performance.now() - t0) * 1e6)));
      }
    }
  };

  const workers = Promise.all(Array.from({ length: inFlight }, worker));
  // Every call is bounded by its own timeout (raw: by the connection), so this only trips on a bug.
  const drainLimitMs = warmupMs + durationMs + CALL_TIMEOUT_MS + 5_000;
  let drainTimer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([workers.then(() => true), new Promise<false>((resolve) => (drainTimer = setTimeout(() => resolve(false), drainLimitMs)))]);
  clearTimeout(drainTimer);
  if (!drained) throw new Error(`${client.system}: calls still running ${drainLimitMs} ms after the case started`);
  if (errors > 0) console.error(`  ${client.system}: ${errors} failed calls, first:`, firstError);
  if (errors >= MAX_ERRORS) throw new Error(`${client.system}: ${errors} calls failed; stopped`, { cause: firstError });
  if (serverCpuStart === null || serverCpuEnd === null) throw new Error(`${client.system}: the measuring window never closed`);
  const serverCpu = (await serverCpuEnd) - (await serverCpuStart);
  const seconds = (windowEnd - windowStart) / 1000;
  const perCall = (cpuUs: number): number => (calls === 0 ? Number.NaN : cpuUs / calls);
  return {
    calls,
    seconds,
    callsPerSec: calls / seconds,
    p50Us: calls === 0 ? Number.NaN : histogram.getValueAtPercentile(50) / 1000,
    p99Us: calls === 0 ? Number.NaN : histogram.getValueAtPercentile(99) / 1000,
    clientCpuUsPerCall: perCall(clientCpuEnd - clientCpuStart),
    serverCpuUsPerCall: perCall(serverCpu),
    clientCpuPct: (clientCpuEnd - clientCpuStart) / (seconds * 1e4),
    serverCpuPct: serverCpu / (seconds * 1e4),
    otherCpuPct: Math.max(0, machineEnd - machineStart - (clientCpuEnd - clientCpuStart) - serverCpu) / (seconds * 1e4),
    errors,
  };
}

/** Per-metric median over the rounds of one case. */
function medianOf(rounds: readonly Measurement[]): Measurement {
  const pick = (key: keyof Measurement): number => {
    const sorted = rounds.map((round) => round[key]).sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  return {
    calls: pick('calls'),
    seconds: pick('seconds'),
    callsPerSec: pick('callsPerSec'),
    p50Us: pick('p50Us'),
    p99Us: pick('p99Us'),
    clientCpuUsPerCall: pick('clientCpuUsPerCall'),
    serverCpuUsPerCall: pick('serverCpuUsPerCall'),
    clientCpuPct: pick('clientCpuPct'),
    serverCpuPct: pick('serverCpuPct'),
    otherCpuPct: pick('otherCpuPct'),
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// The run

interface CaseResult extends Measurement {
  payload: PayloadName;
  inFlight: number;
  system: SystemName;
  rounds: number;
  callsVsRaw: number | null;
  /** Against the once-per-tick raw reference (the baseline before the 8 KiB early flush). */
  callsVsRawTick: number | null;
  callsVsGrpc: number | null;
  p50VsRaw: number | null;
}

/** a / b, or null when either is missing or zero (a case in which no call completed). */
const quotient = (a: number, b: number): number | null => (a > 0 && b > 0 ? a / b : null);

const modeLabel = (inFlight: number): string => (inFlight === 1 ? 'seq' : String(inFlight));
const isTargetCase = (payload: PayloadName, inFlight: number): boolean => payload === 'small' && (inFlight === 1 || inFlight === TARGET_IN_FLIGHT);


function estimateMs(options: Options): number {
  const perCase = options.warmupMs + options.durationMs;
  let cases = 0;
  for (const payload of options.payloads) for (const inFlight of options.inFlight) cases += isTargetCase(payload, inFlight) ? options.rounds : 1;
  return cases * options.systems.length * perCase + options.systems.length * 2 * perCase + 5_000;
}

async function run(options: Options, pinned: boolean): Promise<CaseResult[]> {
  const kinds = [...new Set(options.systems.map((system) => serverKindOf[system]))];
  const nodeArgs = options.serverCpuProfDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.serverCpuProfDir}`];
  const servers = new Map<ServerKind, ServerProcess>();
  const clients = new Map<SystemName, BenchClient>();
  try {
    for (const server of await Promise.all(kinds.map((kind) => ServerProcess.start(kind, pinned ? 1 : null, nodeArgs)))) servers.set(server.kind, server);
    for (const system of options.systems) clients.set(system, await createClient(system, servers.get(serverKindOf[system])!.port));
    console.error(`servers: ${[...servers.values()].map((server) => `${server.kind} pid ${server.pid} port ${server.port}`).join(', ')}`);

    // JIT warm-up of every path before the first timed case.
    for (const system of options.systems) {
      const client = clients.get(system)!;
      const server = servers.get(serverKindOf[system])!;
      client.setPayload('small');
      await measure(client, server, TARGET_IN_FLIGHT, 0, options.warmupMs + options.durationMs);
      await measure(client, server, 1, 0, options.warmupMs + options.durationMs);
    }

    const results: CaseResult[] = [];
    for (const payload of options.payloads) {
      for (const client of clients.values()) client.setPayload(payload);
      for (const inFlight of options.inFlight) {
        const rounds = isTargetCase(payload, inFlight) ? options.rounds : 1;
        const samples = new Map<SystemName, Measurement[]>(options.systems.map((system) => [system, []]));
        // Rounds interleave the systems, so a slow phase of the machine hits all of them alike.
        for (let round = 0; round < rounds; round++) {
          for (const system of options.systems) {
            const measured = await measure(clients.get(system)!, servers.get(serverKindOf[system])!, inFlight, options.warmupMs, options.durationMs);
            samples.get(system)!.push(measured);
            console.error(
              `  ${payload.padEnd(5)} ${modeLabel(inFlight).padStart(4)} ${system.padEnd(15)} ${Math.round(measured.callsPerSec).toLocaleString('en-US').padStart(9)} calls/s  p50 ${measured.p50Us.toFixed(1)} µs  other cpu ${Math.round(measured.otherCpuPct)}%${rounds > 1 ? `  (round ${round + 1}/${rounds})` : ''}`,
            );
          }
        }
        const medians = new Map([...samples].map(([system, values]) => [system, medianOf(values)]));
        const raw = medians.get('raw');
        const rawTick = medians.get('raw-tick');
        const grpc = medians.get('grpc');
        for (const [system, measured] of medians) {
          results.push({
            ...measured,
            payload,
            inFlight,
            system,
            rounds,
            callsVsRaw: raw === undefined ? null : quotient(measured.callsPerSec, raw.callsPerSec),
            callsVsRawTick: rawTick === undefined ? null : quotient(measured.callsPerSec, rawTick.callsPerSec),
            callsVsGrpc: grpc === undefined ? null : quotient(measured.callsPerSec, grpc.callsPerSec),
            p50VsRaw: raw === undefined ? null : quotient(measured.p50Us, raw.p50Us),
          });
        }
      }
    }
    return results;
  } finally {
    await Promise.allSettled([...clients.values()].map((client) => client.close()));
    await Promise.allSettled([...servers.values()].map((server) => server.stop()));
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const ratio = (value: number | null): string => (value === null ? '' : `${value.toFixed(2)}×`);
const orNone = (value: number): number | string => (Number.isFinite(value) ? value : 'none');

interface TargetCheck {
  system: SystemName;
  what: string;
  value: number;
  limit: string;
  met: boolean;
}

function checkTargets(results: readonly CaseResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const result of results) {
    if (!result.system.startsWith('rocket') || result.payload !== 'small') continue;
    if (result.inFlight === TARGET_IN_FLIGHT && result.callsVsRaw !== null) {
      checks.push({ system: result.system, what: `calls/s at ${TARGET_IN_FLIGHT} in flight vs raw`, value: result.callsVsRaw, limit: '≥ 0.50', met: result.callsVsRaw >= 0.5 });
    }
    if (result.inFlight === 1 && result.p50VsRaw !== null) {
      checks.push({ system: result.system, what: 'sequential p50 vs raw', value: result.p50VsRaw, limit: '≤ 1.50', met: result.p50VsRaw <= 1.5 });
    }
  }
  return checks;
}

function report(options: Options, pinned: boolean, results: readonly CaseResult[], elapsedMs: number): boolean {
  const titles: Record<PayloadName, string> = { small: 'small: 3 ext fields + 20-byte body', '1k': '1 KiB body (+ 3 ext fields)', '64k': '64 KiB body (+ 3 ext fields)' };
  for (const payload of options.payloads) {
    const rows: ReportRow[] = results
      .filter((result) => result.payload === payload)
      .map((result) => ({
        name: `${modeLabel(result.inFlight).padStart(4)}  ${result.system}`,
        'calls/s': Math.round(result.callsPerSec),
        'p50 µs': orNone(result.p50Us),
        'p99 µs': orNone(result.p99Us),
        'client µs/call': orNone(result.clientCpuUsPerCall),
        'server µs/call': orNone(result.serverCpuUsPerCall),
        'client cpu%': Math.round(result.clientCpuPct),
        'server cpu%': Math.round(result.serverCpuPct),
        'other cpu%': Number.isNaN(result.otherCpuPct) ? '' : Math.round(result.otherCpuPct),
        'calls vs raw': result.system === 'raw' ? '' : ratio(result.callsVsRaw),
        'p50 vs raw': result.system === 'raw' ? '' : ratio(result.p50VsRaw),
        'calls vs raw-tick': result.system.startsWith('rocket') ? ratio(result.callsVsRawTick) : '',
        'calls vs grpc': result.system.startsWith('rocket') ? ratio(result.callsVsGrpc) : '',
        ...(result.errors > 0 ? { errors: result.errors } : {}),
      }));
    printTable(`Engine: ${titles[payload]}; in flight on one connection (seq = one caller, awaited)`, rows);
  }
  const checks = checkTargets(results);
  if (checks.length > 0) {
    console.log('\nTargets (small payload, same run)');
    for (const check of checks) console.log(`  ${check.system.padEnd(15)} ${check.what.padEnd(32)} ${ratio(check.value).padStart(7)}  target ${check.limit}  ${check.met ? 'met' : 'MISSED'}`);
  }
  const disturbed = results.filter((result) => result.otherCpuPct > 10).length;
  if (disturbed > 0) console.log(`\nwarning: other processes used more than 10% of a core during ${disturbed} of ${results.length} cases (column "other cpu%"); rerun on a quiet machine`);
  const cpus = os.cpus();
  console.log(
    `\n${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, Node ${process.version}; ${pinned ? 'client on core 0, servers on core 1 (taskset)' : 'not pinned'}; ` +
      `${options.warmupMs} ms warm-up + ${options.durationMs} ms per case, ${options.rounds} round(s) of the target cases; ${(elapsedMs / 1000).toFixed(0)} s in all`,
  );
  const errors = results.reduce((sum, result) => sum + result.errors, 0);
  printJsonLine('engine', {
    options: { ...options, serverCpuProfDir: undefined },
    pinned,
    elapsedMs: Math.round(elapsedMs),
    results: results.map((result) => ({ ...result, inFlight: modeLabel(result.inFlight) })),
    targets: checks,
    errors,
  });
  return errors === 0;
}

// ---------------------------------------------------------------------------------------------
// Entry: bounded in time, and the servers go away whatever happens

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2).filter((arg) => arg !== 'engine'));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  process.on('exit', killChildren);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the servers`);
      killChildren();
      process.exit(130);
    });
  }
  const pinned = pinClient(options.pin);
  const estimate = estimateMs(options);
  const limitMs = estimate * 2 + 60_000;
  const watchdog = setTimeout(() => {
    console.error(`engine bench: still running after ${Math.round(limitMs / 1000)} s (estimate ${Math.round(estimate / 1000)} s); giving up`);
    killChildren();
    process.exit(1);
  }, limitMs);
  watchdog.unref();
  console.error(`engine bench: about ${Math.round(estimate / 1000)} s (${options.quick ? 'quick' : 'full'} run)`);
  const started = performance.now();
  let ok = false;
  try {
    const results = await run(options, pinned);
    ok = report(options, pinned, results, performance.now() - started);
  } catch (error) {
    console.error('engine bench failed:', error);
  }
  clearTimeout(watchdog);
  killChildren();
  // grpc-js may keep handles briefly; everything of ours is closed by now.
  process.exit(ok ? 0 : 1);
}

await main();
