/**
 * The rolling-restart scenario shared by the test (test/discovery) and the benchmark
 * (bench/rolling-restart.ts): provider processes behind a `ServiceCluster` on a static list, a fixed
 * number of calls kept in flight (idempotent `get` and non-idempotent `put` alternating), and each
 * provider in turn stopped with SIGTERM (it closes gracefully and exits) and started again on the
 * same port. Every call's outcome and latency is recorded. The replacement process is spawned ahead
 * and listens once the old one has exited, so the restart window measures the handover, not how
 * long Node takes to load (as with a pre-pulled image and a warm node).
 */
import { performance } from 'node:perf_hooks';
import { ServiceCluster } from '../../src/discovery/cluster.js';
import { StaticSource } from '../../src/discovery/static.js';
import { ApiConsumer } from '../../src/rpc/index.js';
import { RemotingClient } from '../../src/transport/index.js';
import { ChildProvider } from './child-provider.js';
import { KvService } from './kv-service.js';
import { freePort } from './server-process.js';

export interface RollingRestartOptions {
  /** Provider processes (default 3). */
  readonly providers?: number;
  /** Calls kept in flight (default 128). */
  readonly inFlight?: number;
  /** Each provider's work per call, in ms (default 5). */
  readonly delayMs?: number;
  /** Load before the first restart, not measured (default 500 ms). */
  readonly warmupMs?: number;
  /** Load after the last restart, every provider back and warm: the steady state (default 1 000 ms). */
  readonly steadyMs?: number;
  /** Times the whole fleet is restarted, one provider after another (default 1). */
  readonly rounds?: number;
  /** The consumer's per-call timeout (default 3 000 ms). */
  readonly timeoutMs?: number;
}

export interface CallRecord {
  readonly kind: 'get' | 'put';
  readonly start: number;
  readonly end: number;
  readonly by?: string;
  readonly error?: unknown;
}

export interface LatencySummary {
  readonly calls: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface RestartRecord {
  readonly addr: string;
  /** SIGTERM sent … the restarted process readmitted and answering, performance.now(). */
  readonly begin: number;
  readonly end: number;
  /** Calls to this provider in flight when SIGTERM was sent. */
  readonly inFlightAtSigterm: number;
  /** When the consumer heard the notice, ms after SIGTERM (undefined: never). */
  readonly noticeAfterMs: number | undefined;
  /** SIGTERM → the old process exited (closing gracefully). */
  readonly exitAfterMs: number;
  readonly exitCode: number | null;
}

export interface RollingRestartResult {
  readonly calls: readonly CallRecord[];
  readonly restarts: readonly RestartRecord[];
  readonly steady: { readonly begin: number; readonly end: number };
}

const PROBE = { intervalMs: 100, timeoutMs: 300, unhealthyThreshold: 2, healthyThreshold: 2, jitter: 0.2 };

export async function runRollingRestart(options: RollingRestartOptions = {}): Promise<RollingRestartResult> {
  const count = options.providers ?? 3;
  const inFlight = options.inFlight ?? 128;
  const delayMs = options.delayMs ?? 5;
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const addrs = ports.map((port) => `127.0.0.1:${port}`);
  const children: ChildProvider[] = [];
  /** Replacements, loaded and waiting to be told to listen (spawning Node takes a while). */
  const spares: Array<ChildProvider | undefined> = [];
  const spawnProvider = (index: number, wait: boolean): ChildProvider =>
    ChildProvider.node('kv-provider-process.js', [`p${index + 1}`, String(ports[index]), String(delayMs)], wait ? { KV_PROVIDER_WAIT: '1' } : {});
  const start = async (index: number): Promise<void> => {
    const child = spawnProvider(index, false);
    children[index] = child;
    await child.waitFor('listening');
  };
  const prepareSpare = async (index: number): Promise<void> => {
    const spare = spawnProvider(index, true);
    spares[index] = spare;
    await spare.waitFor('ready');
  };
  const startSpare = async (index: number): Promise<void> => {
    const spare = spares[index] as ChildProvider;
    spares[index] = undefined;
    children[index] = spare;
    spare.send('listen');
    await spare.waitFor('listening');
  };
  const client = new RemotingClient({ connectTimeoutMs: 500 });
  const cluster = new ServiceCluster({
    source: new StaticSource(addrs),
    client,
    probe: PROBE,
    retries: 2,
    retryBudget: { ratio: 0.5, minRetriesPerSecond: 100 },
  });
  const notices = new Map<string, number>();
  client.on('goingAway', (addr) => notices.set(addr, performance.now()));
  const calls: CallRecord[] = [];
  const restarts: RestartRecord[] = [];
  let stop = false;
  let sequence = 0;
  const workers: Array<Promise<void>> = [];
  try {
    await Promise.all(addrs.map((_, i) => start(i)));
    await cluster.start();
    const kv = new ApiConsumer({ client }).proxy(KvService, { target: cluster, timeoutMs: options.timeoutMs ?? 3_000 });
    const worker = async (): Promise<void> => {
      while (!stop) {
        const n = sequence++;
        const kind = n % 2 === 0 ? 'get' : 'put';
        const begin = performance.now();
        try {
          const answer = kind === 'get' ? await kv.get(`key-${n}`) : await kv.put(`key-${n}`, 'v');
          calls.push({ kind, start: begin, end: performance.now(), by: String(answer).split(':')[0] });
        } catch (error) {
          calls.push({ kind, start: begin, end: performance.now(), error });
        }
      }
    };
    for (let i = 0; i < inFlight; i++) workers.push(worker());
    const member = (addr: string) => cluster.members().find((m) => m.instance.addr === addr);
    const inRotation = (addr: string): boolean => {
      const m = member(addr);
      return m !== undefined && m.health !== 'unhealthy' && !m.ejected && !m.goingAway;
    };

    // Warm-up: every provider has answered, and a little more.
    await waitUntil(() => addrs.every((_, i) => calls.some((c) => c.by === `p${i + 1}`)));
    await Promise.all([new Promise((resolve) => setTimeout(resolve, options.warmupMs ?? 500)), prepareSpare(0)]);

    for (let round = 0; round < (options.rounds ?? 1); round++) {
      for (let i = 0; i < count; i++) {
        const addr = addrs[i] as string;
        const name = `p${i + 1}`;
        // Calls must be in flight to it at the moment it is told to stop.
        await waitUntil(() => (member(addr)?.inFlight ?? 0) > 0);
        const old = children[i] as ChildProvider;
        notices.delete(addr);
        const begin = performance.now();
        const inFlightAtSigterm = member(addr)?.inFlight ?? 0;
        const exitCode = await old.terminate();
        const exitAfterMs = performance.now() - begin;
        await startSpare(i);
        const restartedAt = performance.now();
        const next = (i + 1) % count;
        const lastOne = round === (options.rounds ?? 1) - 1 && next === 0;
        const spareReady = lastOne ? Promise.resolve() : prepareSpare(next);
        await waitUntil(() => inRotation(addr) && calls.some((c) => c.by === name && c.start > restartedAt));
        const heard = notices.get(addr);
        restarts.push({ addr, begin, end: performance.now(), inFlightAtSigterm, noticeAfterMs: heard === undefined ? undefined : heard - begin, exitAfterMs, exitCode });
        await spareReady;
      }
    }
    // The steady state, measured with every process warm: after the last restart.
    const steadyBegin = performance.now();
    await new Promise((resolve) => setTimeout(resolve, options.steadyMs ?? 1_000));
    return { calls, restarts, steady: { begin: steadyBegin, end: performance.now() } };
  } finally {
    stop = true;
    await Promise.all(workers);
    await cluster.close();
    await client.close();
    for (const child of [...children, ...spares]) await child?.crash();
  }
}

/** Latency of the calls that started inside any of the windows. */
export function summarize(calls: readonly CallRecord[], windows: ReadonlyArray<{ readonly begin: number; readonly end: number }>): LatencySummary {
  const latencies = calls
    .filter((c) => windows.some((w) => c.start >= w.begin && c.start < w.end))
    .map((c) => c.end - c.start)
    .sort((a, b) => a - b);
  const at = (q: number): number => (latencies.length === 0 ? NaN : (latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] as number));
  return { calls: latencies.length, p50: at(0.5), p99: at(0.99), max: latencies.length === 0 ? NaN : (latencies[latencies.length - 1] as number) };
}

/** The blip table: steady state against the restart windows. */
export function blipTable(result: RollingRestartResult): string {
  const steady = summarize(result.calls, [result.steady]);
  const restarting = summarize(result.calls, result.restarts);
  const row = (label: string, s: LatencySummary): string => `| ${label} | ${s.calls} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.max.toFixed(1)} |`;
  return ['| window | calls | p50 ms | p99 ms | max ms |', '|---|---|---|---|---|', row('steady state', steady), row('during restarts', restarting)].join('\n');
}

/** Polls state the scenario's own timers and sockets change; bounded. */
async function waitUntil(condition: () => boolean, deadlineMs = 15_000): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('rolling restart: condition not reached within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
