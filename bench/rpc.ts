/**
 * RPC benchmark: `ServiceHello.sayHello("a", "b")` through the typed proxy and `ApiProvider`,
 * against the same call made as a raw engine call in the same run:
 *
 *   engine  `RemotingClient.invokeSync` of a request carrying the same three ext fields (prebuilt
 *           strings), answered by a bare processor with a prebuilt body — no argument encoding,
 *           no dispatch, no decoding;
 *   rpc     `proxy.sayHello('a', 'b')`: argument encoding, argsJsonJson, deadline field, provider
 *           lookup, argument decoding and validation, executor, result encoding and decoding.
 *
 * Both run sequentially (each call awaited) and pipelined (128 calls in flight on one connection),
 * in interleaved rounds. The server (one process, both processors) runs in a child process pinned
 * to core 1 with `taskset`; this client pins itself to core 0. Reported: calls/s, client and server
 * CPU per call, and the proxy's cost: 1 − rpc/engine throughput (target: under 25 %), and the
 * same judged by CPU time per call on the busier side ("cpu cost", steadier on a shared machine).
 *
 * Then the payload matrix (bench/rpc-payload-matrix.ts): echo calls with real payloads, both header
 * types, against raw engine calls carrying the same bytes.
 *
 * Run: npm run bench -- rpc [--quick] [--no-payloads | --payloads-only] [matrix options, see rpc-payload-matrix.ts]
 *  or: npx tsc -p tsconfig.test.json && node .build/bench/rpc.js [--quick] [--no-pin] [--duration=MS] [--rounds=N]
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { CpuReportingChild, measureCalls as measure, serveParent, type CallSample as Sample } from './common/cpu-reporting-child.js';
import { ApiConsumer, ApiProvider, buildSeedRequest, defineContract, encodeArgsJsonJson, J, method, RemotingClient, RemotingCommand, RemotingServer, ResponseCode } from '../src/index.js';
import { median } from './common/measure.js';
import { printJsonLine, printTable, type ReportRow } from './common/report.js';
import { refuseUnknownOptions, timingOptions, type TimingOptions } from './common/argv.js';
import { pinClient } from './common/pin.js';
import { runPayloadMatrix } from './rpc-payload-matrix.js';

const ServiceHello = defineContract('com.uext.remote.rf.service.ServiceHello', {
  sayHello: method([J.String, J.String], J.String),
  sayHelloInteger: method([J.Integer, J.Integer], J.Integer),
});

/** Request code of the raw engine case (the RPC uses code 0). */
const RAW_CODE = 1;
const CALL_TIMEOUT_MS = 10_000;
const PIPELINE = 128;
const SIGNATURE = ServiceHello.methodsByKey.get('sayHello')!.signature;
const ARGS_JSON_JSON = encodeArgsJsonJson([J.String.write('a'), J.String.write('b')]);
const EXPECTED = 'hello a b';
const EXPECTED_BODY = Buffer.from(JSON.stringify(EXPECTED));

// ---------------------------------------------------------------------------------------------
// Server role (child process)

async function serve(): Promise<void> {
  const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
  const provider = new ApiProvider({ server });
  provider.register(ServiceHello, {
    sayHello: (a, b) => 'hello ' + a + ' ' + b,
    sayHelloInteger: (a, b) => 1000 + (a ?? 0) + (b ?? 0),
  });
  server.registerProcessor(RAW_CODE, () => RemotingCommand.createResponse(ResponseCode.SUCCESS, null, { body: EXPECTED_BODY }));
  const { port } = await server.start();
  serveParent(port, () => server.close({ graceMs: 200 }));
}

// ---------------------------------------------------------------------------------------------
// Client role

type Options = TimingOptions;

function parseOptions(argv: readonly string[]): Options {
  refuseUnknownOptions(argv, ['--no-payloads', '--payloads-only'], ['cases', 'headers']);
  return timingOptions(argv, { durationMs: [400, 2000], warmupMs: [300, 1000], rounds: [1, 5] });
}

type CaseName = 'engine' | 'rpc';
type Call = () => Promise<void>;

async function main(argv: readonly string[]): Promise<void> {
  const options = parseOptions(argv);
  const pinned = pinClient(options.pin);
  if (!argv.includes('--payloads-only')) await runSayHello(options, pinned);
  if (!argv.includes('--no-payloads')) {
    console.log('');
    await runPayloadMatrix(argv, pinned);
  }
}

async function runSayHello(options: Options, pinned: boolean): Promise<void> {
  const server = await CpuReportingChild.start(fileURLToPath(import.meta.url), ['--serve'], pinned);
  const addr = `127.0.0.1:${server.port}`;
  const client = new RemotingClient();
  const consumer = new ApiConsumer({ client, target: addr, timeoutMs: CALL_TIMEOUT_MS });
  try {
    const proxy = consumer.proxy(ServiceHello);
    const calls: Record<CaseName, Call> = {
      engine: async () => {
        // A fresh command and ext map per call, as any caller builds them.
        const request = buildSeedRequest(ServiceHello.serviceName, SIGNATURE, ARGS_JSON_JSON, { timeoutMs: null });
        request.code = RAW_CODE;
        const response = await client.invokeSync(addr, request, CALL_TIMEOUT_MS);
        if (response.code !== ResponseCode.SUCCESS || response.body?.length !== EXPECTED_BODY.length) throw new Error(`engine: unexpected answer ${response.code}`);
      },
      rpc: async () => {
        if ((await proxy.sayHello('a', 'b')) !== EXPECTED) throw new Error('rpc: unexpected answer');
      },
    };
    const shapes = [
      { label: 'sequential', inFlight: 1 },
      { label: `${PIPELINE} in flight`, inFlight: PIPELINE },
    ];
    const samples = new Map<string, Sample[]>();
    for (const shape of shapes) for (const name of ['engine', 'rpc'] as const) await measure(calls[name], shape.inFlight, options.warmupMs, server);
    for (let round = 0; round < options.rounds; round++) {
      for (const shape of shapes) {
        for (const name of ['engine', 'rpc'] as const) {
          const key = `${name}|${shape.label}`;
          samples.set(key, [...(samples.get(key) ?? []), await measure(calls[name], shape.inFlight, options.durationMs, server)]);
        }
      }
    }
    const rows: ReportRow[] = [];
    const json: Record<string, unknown>[] = [];
    let worstCost = 0;
    for (const shape of shapes) {
      const engine = samples.get(`engine|${shape.label}`)!;
      const rpc = samples.get(`rpc|${shape.label}`)!;
      // Paired per round: the two cases ran back to back, so machine drift cancels out.
      const ratio = median(rpc.map((sample, i) => sample.rate / engine[i]!.rate));
      const cost = 1 - ratio;
      worstCost = Math.max(worstCost, cost);
      // The same cost judged by CPU time on the busier side, which other processes on a shared
      // machine disturb far less than throughput: what a CPU-bound pipeline would lose.
      const busiest = (sample: Sample): number => Math.max(sample.clientCpuUs, sample.serverCpuUs);
      const cpuCost = 1 - median(rpc.map((sample, i) => busiest(engine[i]!) / busiest(sample)));
      for (const [name, list] of [
        ['engine', engine],
        ['rpc', rpc],
      ] as const) {
        const row = {
          name: `${name} (${shape.label})`,
          'calls/s': median(list.map((s) => s.rate)),
          'client µs/call': median(list.map((s) => s.clientCpuUs)),
          'server µs/call': median(list.map((s) => s.serverCpuUs)),
          'proxy cost': name === 'rpc' ? `${(cost * 100).toFixed(1)} %` : '',
          'cpu cost': name === 'rpc' ? `${(cpuCost * 100).toFixed(1)} %` : '',
        };
        rows.push(row);
        json.push({ case: name, shape: shape.label, callsPerSecond: Math.round(row['calls/s']), clientCpuUsPerCall: row['client µs/call'], serverCpuUsPerCall: row['server µs/call'] });
      }
      json.push({ case: 'proxy-cost', shape: shape.label, throughputCost: Number(cost.toFixed(4)), cpuCost: Number(cpuCost.toFixed(4)) });
    }
    printTable('ServiceHello.sayHello("a", "b"): typed proxy + ApiProvider vs a raw engine call', rows);
    console.log(
      `\n${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; ${pinned ? 'client on core 0, server on core 1' : 'not pinned'}; ` +
        `${options.rounds} round(s) of ${options.durationMs} ms per case. Target: proxy cost under 25 %: ${worstCost < 0.25 ? 'met' : 'NOT met'} (worst ${(worstCost * 100).toFixed(1)} %).`,
    );
    printJsonLine('rpc', { results: json, pinned, rounds: options.rounds, durationMs: options.durationMs, targetMet: worstCost < 0.25 });
  } finally {
    await consumer.close();
    await client.close();
    await server.stop();
  }
}

if (process.argv.includes('--serve')) await serve();
else await main(process.argv.slice(2));
