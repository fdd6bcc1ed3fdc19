/**
 * Telemetry cost benchmark: the same small calls with the instrumentation off, with the metrics SDK
 * registered (without and with the API's no-op tracer), and with metrics and traces, side by side
 * in one run.
 *
 *   engine  `RemotingClient.invokeSync` with JSON headers, three ext fields and a 20-byte body
 *           echoed by a bare processor (the small case of bench/engine.ts);
 *   rpc     `proxy.sayHello('a', 'b')` through the typed proxy and `ApiProvider` (bench/rpc.ts).
 *
 * Conditions, applied to client and server alike:
 *
 *   off              nothing enabled (the default): a call checks one module variable;
 *   metrics          `startPrometheusExporter({ port: 0, tracing: false })` — an sdk-metrics
 *                    `MeterProvider` read by the Prometheus exporter; no spans;
 *   metrics+noop-tracer  `startPrometheusExporter({ port: 0 })`, tracing left on with no tracer
 *                    provider registered (the API's no-op tracer): what `rocket-rpc serve
 *                    --metrics-port` runs;
 *   metrics+traces   the same plus a `BasicTracerProvider` (sdk-trace-base) whose span processor
 *                    drops every span, and an `AsyncLocalStorageContextManager`: spans are created,
 *                    sampled, given attributes, propagated in ext fields and ended, but not exported.
 *
 * Each round runs every condition once, in a rotating order; per condition the server is a fresh
 * child process (pinned to core 1 with `taskset`, told its condition on the command line) and the
 * client (this process, core 0) switches its own instrumentation on or off and opens a new
 * connection. Every case is warmed up, then measured sequentially (each call awaited) and with
 * 128 calls in flight. Reported: calls/s and CPU µs per call on each side (medians over rounds),
 * and the ratios to `off` of the same round (medians), so machine drift cancels out.
 *
 * Run: npm run bench -- telemetry [--quick]
 *  or: npx tsc -p tsconfig.test.json && node .build/bench/telemetry.js [--quick] [--no-pin] [--duration=MS] [--warmup=MS] [--rounds=N]
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ApiConsumer, ApiProvider, defineContract, J, method, RemotingClient, RemotingCommand, RemotingServer, ResponseCode, SerializeType } from '../src/index.js';
import { startPrometheusExporter } from '../src/otel.js';
import { CpuReportingChild, measureCalls, serveParent, type CallSample } from './common/cpu-reporting-child.js';
import { median } from './common/measure.js';
import { refuseUnknownOptions, timingOptions, type TimingOptions } from './common/argv.js';
import { pinClient } from './common/pin.js';
import { printJsonLine, printTable, type ReportRow } from './common/report.js';
import { EXT_FIELDS, makeBody, REQUEST_CODE } from './engine-payloads.js';

const ServiceHello = defineContract('com.uext.remote.rf.service.ServiceHello', {
  sayHello: method([J.String, J.String], J.String),
});

const CONDITIONS = ['off', 'metrics', 'metrics+noop-tracer', 'metrics+traces'] as const;
type Condition = (typeof CONDITIONS)[number];
const CASES = ['engine', 'rpc'] as const;
type CaseName = (typeof CASES)[number];
const PIPELINE = 128;
const SHAPES = [
  { label: 'sequential', inFlight: 1 },
  { label: `${PIPELINE} in flight`, inFlight: PIPELINE },
] as const;
const CALL_TIMEOUT_MS = 10_000;
const BODY = makeBody('small');
const EXPECTED = 'hello a b';

let spansEnded = 0;

/** Drops every span (counting them): measures making spans, not exporting them. */
const dropSpans: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => void spansEnded++,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

interface Enabled {
  /** The Prometheus endpoint, when metrics are on. */
  url: string | undefined;
  close(): Promise<void>;
}

/** Turns `condition` on in this process (client or server). */
async function enable(condition: Condition): Promise<Enabled> {
  if (condition === 'off') return { url: undefined, close: () => Promise.resolve() };
  if (condition === 'metrics' || condition === 'metrics+noop-tracer') {
    const exporter = await startPrometheusExporter({ port: 0, host: '127.0.0.1', tracing: condition !== 'metrics' });
    return { url: exporter.url, close: () => exporter.close() };
  }
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [dropSpans] });
  const exporter = await startPrometheusExporter({ port: 0, host: '127.0.0.1', openTelemetry: { tracerProvider } });
  return {
    url: exporter.url,
    async close() {
      await exporter.close();
      await tracerProvider.shutdown();
      context.disable();
    },
  };
}

/** Fails the run when a condition did not take effect in this process (so no row measures the wrong thing). */
async function checkRecorded(condition: Condition, enabled: Enabled, spansBefore: number): Promise<void> {
  if (enabled.url !== undefined) {
    const page = await (await fetch(enabled.url)).text();
    if (!/^rpc_client_call_duration_count\{/m.test(page)) throw new Error(`${condition}: the Prometheus page shows no client call durations`);
  }
  if (condition === 'metrics+traces' && spansEnded === spansBefore) throw new Error(`${condition}: no span was ended`);
}

// ---------------------------------------------------------------------------------------------
// Server role (child process): `--serve CONDITION`

async function serve(condition: Condition): Promise<void> {
  const enabled = await enable(condition);
  const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
  server.registerProcessor(REQUEST_CODE, (request) => RemotingCommand.createResponse(ResponseCode.SUCCESS, null, { body: request.body }));
  const provider = new ApiProvider({ server });
  provider.register(ServiceHello, { sayHello: (a, b) => 'hello ' + a + ' ' + b });
  const { port } = await server.start();
  serveParent(port, async () => {
    await server.close({ graceMs: 200 });
    await enabled.close();
  });
}

// ---------------------------------------------------------------------------------------------
// Client role

type Options = TimingOptions;

function parseOptions(argv: readonly string[]): Options {
  refuseUnknownOptions(argv);
  return timingOptions(argv, { durationMs: [300, 1500], warmupMs: [200, 600], rounds: [1, 5] });
}

const key = (condition: Condition, name: CaseName, shape: string): string => `${condition}|${name}|${shape}`;

/** One condition, client and server: fresh server child, new connection, every case warmed up then measured once. */
async function runCondition(condition: Condition, options: Options, pinned: boolean, samples: Map<string, CallSample[]>): Promise<void> {
  const enabled = await enable(condition);
  const spansBefore = spansEnded;
  const server = await CpuReportingChild.start(fileURLToPath(import.meta.url), ['--serve', condition], pinned);
  const addr = `127.0.0.1:${server.port}`;
  const client = new RemotingClient({ serializeType: SerializeType.JSON });
  const consumer = new ApiConsumer({ client, target: addr, timeoutMs: CALL_TIMEOUT_MS });
  try {
    const proxy = consumer.proxy(ServiceHello);
    const calls: Record<CaseName, () => Promise<void>> = {
      engine: async () => {
        // A fresh command and ext map per call, as an RPC layer above would build them.
        const request = new RemotingCommand({ code: REQUEST_CODE, extFields: new Map(EXT_FIELDS), body: BODY });
        const response = await client.invokeSync(addr, request, CALL_TIMEOUT_MS);
        if (response.code !== ResponseCode.SUCCESS || response.body?.length !== BODY.length) throw new Error(`engine: unexpected answer ${response.code}`);
      },
      rpc: async () => {
        if ((await proxy.sayHello('a', 'b')) !== EXPECTED) throw new Error('rpc: unexpected answer');
      },
    };
    for (const shape of SHAPES) for (const name of CASES) await measureCalls(calls[name], shape.inFlight, options.warmupMs, server);
    for (const shape of SHAPES) {
      for (const name of CASES) {
        const id = key(condition, name, shape.label);
        samples.set(id, [...(samples.get(id) ?? []), await measureCalls(calls[name], shape.inFlight, options.durationMs, server)]);
      }
    }
    await checkRecorded(condition, enabled, spansBefore);
  } finally {
    await consumer.close();
    await client.close();
    await server.stop();
    await enabled.close();
  }
}

const percent = (ratio: number): string => `${ratio >= 1 ? '+' : '−'}${(Math.abs(ratio - 1) * 100).toFixed(1)} %`;

async function main(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv);
  const pinned = pinClient(options.pin);
  const samples = new Map<string, CallSample[]>();
  for (let round = 0; round < options.rounds; round++) {
    // Rotated per round, so no condition always runs first (or right after another).
    const order = CONDITIONS.map((_, i) => CONDITIONS[(i + round) % CONDITIONS.length]!);
    for (const condition of order) await runCondition(condition, options, pinned, samples);
  }

  const rows: ReportRow[] = [];
  const json: Record<string, unknown>[] = [];
  for (const name of CASES) {
    for (const shape of SHAPES) {
      const off = samples.get(key('off', name, shape.label))!;
      for (const condition of CONDITIONS) {
        const list = samples.get(key(condition, name, shape.label))!;
        // Paired with `off` of the same round, then the median over rounds.
        const ratio = (pick: (sample: CallSample) => number): number => median(list.map((sample, i) => pick(sample) / pick(off[i]!)));
        const rate = ratio((s) => s.rate);
        const clientCpu = ratio((s) => s.clientCpuUs);
        const serverCpu = ratio((s) => s.serverCpuUs);
        const totalCpu = ratio((s) => s.clientCpuUs + s.serverCpuUs);
        const row = {
          name: `${name} ${shape.label}, ${condition}`,
          'calls/s': median(list.map((s) => s.rate)),
          'client µs/call': median(list.map((s) => s.clientCpuUs)),
          'server µs/call': median(list.map((s) => s.serverCpuUs)),
          'calls/s vs off': condition === 'off' ? '' : percent(rate),
          'client CPU vs off': condition === 'off' ? '' : percent(clientCpu),
          'server CPU vs off': condition === 'off' ? '' : percent(serverCpu),
          'total CPU vs off': condition === 'off' ? '' : percent(totalCpu),
        };
        rows.push(row);
        json.push({
          case: name,
          shape: shape.label,
          condition,
          callsPerSecond: Math.round(row['calls/s']),
          clientCpuUsPerCall: Number(row['client µs/call'].toFixed(2)),
          serverCpuUsPerCall: Number(row['server µs/call'].toFixed(2)),
          vsOff: { callsPerSecond: Number(rate.toFixed(4)), clientCpu: Number(clientCpu.toFixed(4)), serverCpu: Number(serverCpu.toFixed(4)), totalCpu: Number(totalCpu.toFixed(4)) },
        });
      }
    }
  }
  printTable('Small calls with telemetry off, with the metrics SDK (without / with the no-op tracer), with metrics and traces (ratios: median of per-round ratios to off)', rows);
  console.log(
    `\n${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; ${pinned ? 'client on core 0, server on core 1' : 'not pinned'}; ` +
      `${options.rounds} round(s) of ${options.durationMs} ms per case and condition (after ${options.warmupMs} ms of warm-up).`,
  );
  printJsonLine('telemetry', { results: json, pinned, rounds: options.rounds, durationMs: options.durationMs, warmupMs: options.warmupMs });
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) {
  const condition = process.argv[serveAt + 1];
  if (!CONDITIONS.includes(condition as Condition)) throw new Error(`--serve: expected one of ${CONDITIONS.join(', ')}, got ${condition}`);
  await serve(condition as Condition);
} else await main(process.argv.slice(2));
