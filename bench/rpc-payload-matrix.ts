/**
 * The payload matrix of `npm run bench -- rpc`: one echo method per payload kind, through the typed proxy and
 * `ApiProvider`, against a raw engine call that carries the very same request ext fields and gets
 * the very same response body (prebuilt, answered by a bare processor), in the same run, with both
 * header types. 128 calls in flight on one connection; the server runs in a child process pinned
 * to core 1, this client on core 0.
 *
 * Payloads: a small String (`"hello"`), 1 KiB and 64 KiB Strings, 1 KiB and 64 KiB byte[], a POJO
 * of ten fields holding a list of ten POJOs, and a long/BigDecimal-heavy POJO.
 *
 * Run: npm run bench -- rpc [--payloads-only] [--quick] [--cases=string-1k,bytes-64k]
 *      [--headers=json,rocketmq] [--duration=MS] [--rounds=N] [--no-pin]
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { ApiConsumer, ApiProvider, buildSeedRequest, encodeArgsJsonJson, RemotingClient, RemotingCommand, RemotingServer, ResponseCode, SerializeType } from '../src/index.js';
import { CpuReportingChild, measureCalls, serveParent, type CallSample } from './common/cpu-reporting-child.js';
import { optionText, timingOptions, type TimingOptions } from './common/argv.js';
import { median } from './common/measure.js';
import { printJsonLine, printTable, type ReportRow } from './common/report.js';
import { PAYLOAD_CASES, PayloadService, payloadImplementation, type PayloadCase } from './rpc-payload-cases.js';

/** Request code of the raw engine calls (the RPC uses code 0). */
const RAW_CODE = 1;
/** Timeout of every call in the matrix, proxy and engine alike (the proxy sends it as `rpcTimeoutMs`). */
export const CALL_TIMEOUT_MS = 30_000;
const PIPELINE = 128;

/** The wire text of a case's argument and result, computed once from the contract's own codecs. */
export function wireOf(payloadCase: PayloadCase): { signature: string; argsJsonJson: string; responseBody: Buffer } {
  const method = PayloadService.methodsByKey.get(payloadCase.method)!;
  const argumentText = method.args[0]!.encode(payloadCase.value);
  return { signature: method.signature, argsJsonJson: encodeArgsJsonJson([argumentText]), responseBody: Buffer.from(method.result.encode(payloadCase.value)) };
}

/**
 * The engine baseline's request: a fresh command and ext map per call, as any caller builds them,
 * with the ext fields the proxy sends (`rpcTimeoutMs` included), so the request bytes are the
 * proxy's but for the request code.
 */
export function engineRequest(wire: { signature: string; argsJsonJson: string }, serializeType: SerializeType): RemotingCommand {
  const request = buildSeedRequest(PayloadService.serviceName, wire.signature, wire.argsJsonJson, { timeoutMs: CALL_TIMEOUT_MS });
  request.code = RAW_CODE;
  request.serializeType = serializeType;
  return request;
}

async function servePayloads(): Promise<void> {
  const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
  const provider = new ApiProvider({ server });
  provider.register(PayloadService, payloadImplementation);
  // The raw processor answers each case's prebuilt result, found by the length of its arguments
  // (distinct per case): no decoding, no dispatch.
  const bodies = new Map(PAYLOAD_CASES.map((c) => [wireOf(c).argsJsonJson.length, wireOf(c).responseBody]));
  if (bodies.size !== PAYLOAD_CASES.length) throw new Error('two payload cases have arguments of one length');
  server.registerProcessor(RAW_CODE, (request) => RemotingCommand.createResponse(ResponseCode.SUCCESS, null, { body: bodies.get(request.extFields?.get('argsJsonJson')?.length ?? -1) ?? null }));
  const { port } = await server.start();
  serveParent(port, () => server.close({ graceMs: 200 }));
}

interface Options extends TimingOptions {
  cases: PayloadCase[];
  headers: SerializeType[];
}

function parseOptions(argv: readonly string[]): Options {
  const text = (name: string): string | undefined => optionText(argv, name);
  const caseNames = text('cases')?.split(',');
  const cases = caseNames === undefined ? PAYLOAD_CASES : caseNames.map((name) => PAYLOAD_CASES.find((c) => c.name === name) ?? fail(`unknown case ${name}; cases: ${PAYLOAD_CASES.map((c) => c.name).join(', ')}`));
  const headers = (text('headers') ?? 'json,rocketmq').split(',').map((name) => (name === 'json' ? SerializeType.JSON : name === 'rocketmq' ? SerializeType.ROCKETMQ : fail(`unknown header type ${name}`)));
  return { ...timingOptions(argv, { durationMs: [400, 1500], warmupMs: [300, 800], rounds: [1, 3] }), cases, headers };
}

function fail(message: string): never {
  throw new Error(message);
}

/** The targets of the payload matrix: typed proxy / engine call, by case. */
function target(name: string): number {
  if (name === 'string-small') return 0.75;
  if (name === 'string-1k' || name === 'bytes-1k') return 0.6;
  return 0.5;
}

/** Runs the matrix (the caller has pinned itself to core 0 when `pinned`); returns whether every target was met. */
export async function runPayloadMatrix(argv: readonly string[], pinned: boolean): Promise<boolean> {
  const options = parseOptions(argv);
  const server = await CpuReportingChild.start(fileURLToPath(import.meta.url), ['--serve-payloads'], pinned && options.pin);
  const addr = `127.0.0.1:${server.port}`;
  const client = new RemotingClient();
  const consumers = options.headers.map((serializeType) => new ApiConsumer({ client, target: addr, timeoutMs: CALL_TIMEOUT_MS, serializeType }));
  const rows: ReportRow[] = [];
  const json: Record<string, unknown>[] = [];
  let allMet = true;
  try {
    for (const payloadCase of options.cases) {
      const wire = wireOf(payloadCase);
      for (const [h, serializeType] of options.headers.entries()) {
        const proxy = consumers[h]!.proxy(PayloadService) as unknown as Record<string, (value: unknown) => Promise<unknown>>;
        const call = proxy[payloadCase.method]!;
        const engine = async (): Promise<void> => {
          const request = engineRequest(wire, serializeType);
          const response = await client.invokeSync(addr, request, CALL_TIMEOUT_MS);
          if (response.code !== ResponseCode.SUCCESS || response.body?.length !== wire.responseBody.length) throw new Error(`engine: unexpected answer ${response.code} ${response.body?.length} ${wire.responseBody.length} ${response.remark}`);
        };
        const rpc = async (): Promise<void> => {
          payloadCase.check(await call(payloadCase.value));
        };
        await measureCalls(engine, PIPELINE, options.warmupMs, server);
        await measureCalls(rpc, PIPELINE, options.warmupMs, server);
        const engineSamples: CallSample[] = [];
        const rpcSamples: CallSample[] = [];
        for (let round = 0; round < options.rounds; round++) {
          engineSamples.push(await measureCalls(engine, PIPELINE, options.durationMs, server));
          rpcSamples.push(await measureCalls(rpc, PIPELINE, options.durationMs, server));
        }
        // Paired per round: the two cases ran back to back, so machine drift cancels out.
        const ratio = median(rpcSamples.map((sample, i) => sample.rate / engineSamples[i]!.rate));
        const busiest = (sample: CallSample): number => Math.max(sample.clientCpuUs, sample.serverCpuUs);
        const cpuRatio = median(rpcSamples.map((sample, i) => busiest(engineSamples[i]!) / busiest(sample)));
        const header = serializeType === SerializeType.JSON ? 'JSON' : 'ROCKETMQ';
        const met = ratio >= target(payloadCase.name);
        allMet &&= met;
        rows.push({
          name: `${payloadCase.name} (${header})`,
          'request B': wire.argsJsonJson.length,
          'engine calls/s': median(engineSamples.map((s) => s.rate)),
          'proxy calls/s': median(rpcSamples.map((s) => s.rate)),
          'proxy / engine': ratio.toFixed(2),
          'by CPU': cpuRatio.toFixed(2),
          'engine µs c/s': `${median(engineSamples.map((s) => s.clientCpuUs)).toFixed(1)}/${median(engineSamples.map((s) => s.serverCpuUs)).toFixed(1)}`,
          'proxy µs c/s': `${median(rpcSamples.map((s) => s.clientCpuUs)).toFixed(1)}/${median(rpcSamples.map((s) => s.serverCpuUs)).toFixed(1)}`,
          target: `≥ ${target(payloadCase.name)} ${met ? 'met' : 'NOT met'}`,
        });
        json.push({ payload: payloadCase.name, header, ratio: Number(ratio.toFixed(3)), cpuRatio: Number(cpuRatio.toFixed(3)), engine: Math.round(median(engineSamples.map((s) => s.rate))), proxy: Math.round(median(rpcSamples.map((s) => s.rate))) });
      }
    }
    printTable(`Echo calls, ${PIPELINE} in flight on one connection: typed proxy + ApiProvider vs the same bytes as a raw engine call`, rows);
    console.log(
      `\n${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; ${pinned ? 'client on core 0, server on core 1' : 'not pinned'}; ` +
        `${options.rounds} round(s) of ${options.durationMs} ms per case. "µs c/s": CPU per call, client / server. Targets ${allMet ? 'all met' : 'NOT all met'}.`,
    );
    printJsonLine('rpc-payloads', { results: json, pinned, rounds: options.rounds, durationMs: options.durationMs });
    return allMet;
  } finally {
    for (const consumer of consumers) await consumer.close();
    await client.close();
    await server.stop();
  }
}

if (process.argv.includes('--serve-payloads')) await servePayloads();
