import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { RemotingCommand } from '../protocol/command.js';
import { ResponseCode, SerializeType } from '../protocol/codes.js';
import { ApiConsumer } from '../rpc/consumer.js';
import { RemoteError } from '../rpc/errors.js';
import type { GenericService } from '../rpc/generic.js';
import { RemotingClient } from '../transport/remoting-client.js';
import { HEALTH_PROBE_REQUEST_CODE } from '../health/probe.js';
import { argumentTexts, checkedSignature, resolveByName } from './call.js';
import { CLIENT_TLS_OPTIONS, CLIENT_TLS_USAGE, clientTls, formatMs, positiveInteger, positiveMs, responseCodeName } from './client-options.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { CliIo } from './run.js';
import { parseCommandArgs, singleAddress } from './command-args.js';
import { CliUsageError } from './usage-error.js';

const USAGE = `usage: rocket-rpc bench ADDR [options]

A closed-loop load run against any remoting server (rocket-rpc or Java): --concurrency calls in
flight for --duration seconds, then a table of calls/s, latency percentiles and errors by code.

the request, one of:
  --code N              a raw request with this code (default ${HEALTH_PROBE_REQUEST_CODE}, the health probe);
                        any answer other than SUCCESS (0) counts as an error
  --ext NAME=VALUE      ext field of the raw request (repeatable)
  --body TEXT           body of the raw request (--body-file FILE for its bytes)
  --service NAME --method METHOD [--args JSON]
                        a service call through the seed RPC layer; METHOD and ARGS_JSON as for
                        'rocket-rpc call' (a name needs a provider that lists its services)

options:
  --concurrency N       calls in flight (default 16)
  --connections N       connections (one client each), the calls spread over them (default 1)
  --duration SEC        how long to measure (default 10)
  --warmup SEC          run this long first without measuring (default 0)
  --timeout MS          per call (default 3000)
  --serialize json|rocketmq  header type of the requests (default json)
  --json                the result as one JSON document (no progress line)
${CLIENT_TLS_USAGE}

On a terminal a progress line updates every second. Ctrl-C ends the run early and prints the
results so far. Exit codes: 0 when at least one call succeeded, 1 when none did, 2 on usage errors.`;

export interface BenchResult {
  target: string;
  request: string;
  serialize: 'json' | 'rocketmq';
  concurrency: number;
  connections: number;
  durationSec: number;
  calls: number;
  ok: number;
  errors: number;
  callsPerSec: number;
  latencyMs: { min: number; mean: number; p50: number; p90: number; p99: number; p999: number; max: number };
  errorsByCode: Record<string, number>;
}

type Call = (client: RemotingClient, generic: GenericService | undefined) => Promise<string | null>;

/** `rocket-rpc bench`. */
export async function benchCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args,
    allowPositionals: true,
    options: {
      code: { type: 'string' },
      ext: { type: 'string', multiple: true },
      body: { type: 'string' },
      'body-file': { type: 'string' },
      service: { type: 'string' },
      method: { type: 'string' },
      args: { type: 'string' },
      concurrency: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      timeout: { type: 'string' },
      serialize: { type: 'string' },
      json: { type: 'boolean' },
      ...CLIENT_TLS_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  const addr = singleAddress(positionals, USAGE);
  const concurrency = positiveInteger(values.concurrency, '--concurrency', 16, 100_000);
  const connections = positiveInteger(values.connections, '--connections', 1, 1024);
  if (connections > concurrency) throw new CliUsageError('--connections cannot exceed --concurrency (each connection needs a call in flight)');
  const durationMs = positiveMs(values.duration, '--duration', 10) * 1000;
  const warmupMs = values.warmup === undefined || values.warmup === '0' ? 0 : positiveMs(values.warmup, '--warmup', 0) * 1000;
  const timeoutMs = positiveMs(values.timeout, '--timeout', 3000);
  const serialize = values.serialize ?? 'json';
  if (serialize !== 'json' && serialize !== 'rocketmq') throw new CliUsageError(`--serialize must be json or rocketmq, got ${JSON.stringify(serialize)}`);
  const tls = clientTls(values);
  const rpc = values.service !== undefined || values.method !== undefined || values.args !== undefined;
  if (rpc && (values.code ?? values.ext ?? values.body ?? values['body-file']) !== undefined) throw new CliUsageError('give a raw request (--code, --ext, --body) or a service call (--service, --method, --args), not both');
  if (rpc && (values.service === undefined || values.method === undefined)) throw new CliUsageError('a service call needs --service and --method');

  const clients = Array.from({ length: connections }, () => new RemotingClient({
    connectTimeoutMs: timeoutMs,
    serializeType: serialize === 'json' ? SerializeType.JSON : SerializeType.ROCKETMQ,
    ...(tls === undefined ? {} : { tls }),
  }));
  const consumers = rpc ? clients.map((client) => new ApiConsumer({ client, target: addr })) : [];
  try {
    let call: Call;
    let request: string;
    if (rpc) {
      const service = values.service as string;
      const texts = argumentTexts(values.args ?? '[]');
      const generic = consumers[0]!.generic();
      const methodArg = values.method as string;
      const signature = methodArg.includes('(') ? checkedSignature(methodArg, service) : await resolveByName(generic, addr, service, methodArg, texts.length, { timeoutMs });
      request = `${signature} ${values.args ?? '[]'}`;
      call = (_client, lane) => (lane as GenericService).invokeJson(service, signature, texts, { timeoutMs });
    } else {
      const code = values.code === undefined ? HEALTH_PROBE_REQUEST_CODE : requestCode(values.code);
      const ext = extFields(values.ext ?? []);
      const body = values['body-file'] !== undefined ? readBody(values['body-file']) : values.body === undefined ? null : Buffer.from(values.body, 'utf8');
      if (values['body-file'] !== undefined && values.body !== undefined) throw new CliUsageError('give --body or --body-file, not both');
      request = `code ${code}${ext.size > 0 ? ` +${ext.size} ext field(s)` : ''}${body === null ? '' : ` +${body.length} byte body`}`;
      call = async (client) => {
        const response = await client.invokeSync(addr, RemotingCommand.createRequest(code, { extFields: ext.size === 0 ? null : new Map(ext), body }), timeoutMs);
        if (response.code !== ResponseCode.SUCCESS) throw new ResponseCodeError(response.code);
        return null;
      };
    }
    const result = await run({ addr, request, serialize, concurrency, connections, durationMs, warmupMs, clients, consumers, call, io, progress: values.json !== true && (io.stdout as { isTTY?: boolean }).isTTY === true });
    io.stdout.write(values.json === true ? JSON.stringify(result, null, 2) + '\n' : formatResult(result));
    return result.ok > 0 ? 0 : 1;
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

class ResponseCodeError extends Error {
  constructor(readonly responseCode: number) {
    super(`answered ${responseCodeName(responseCode)}`);
  }
}

interface RunSettings {
  addr: string;
  request: string;
  serialize: 'json' | 'rocketmq';
  concurrency: number;
  connections: number;
  durationMs: number;
  warmupMs: number;
  clients: RemotingClient[];
  consumers: ApiConsumer[];
  call: Call;
  io: CliIo;
  progress: boolean;
}

async function run(settings: RunSettings): Promise<BenchResult> {
  const histogram = new LatencyHistogram();
  const errorsByCode = new Map<string, number>();
  let ok = 0;
  let errors = 0;
  const generics = settings.consumers.map((consumer) => consumer.generic());
  const begin = performance.now();
  const measureFrom = begin + settings.warmupMs;
  let end = measureFrom + settings.durationMs;
  const interrupted = (): void => {
    end = Math.min(end, performance.now());
  };
  process.on('SIGINT', interrupted);
  const progress = settings.progress ? setInterval(() => {
    const now = performance.now();
    const measuring = now >= measureFrom;
    const seconds = measuring ? (now - measureFrom) / 1000 : 0;
    const line = measuring
      ? `${seconds.toFixed(0)}s  calls ${ok + errors}  ${Math.round((ok + errors) / seconds)}/s  errors ${errors}  p99 ${formatMs(histogram.percentile(0.99))} ms`
      : `warming up ${((measureFrom - now) / 1000).toFixed(0)}s`;
    settings.io.stdout.write(`\r\x1b[K${line}`);
  }, 1000) : undefined;
  const lane = async (i: number): Promise<void> => {
    const client = settings.clients[i % settings.connections]!;
    const generic = generics[i % settings.connections];
    for (let started = performance.now(); started < end; started = performance.now()) {
      try {
        await settings.call(client, generic);
        if (started >= measureFrom) {
          histogram.record(performance.now() - started);
          ok++;
        }
      } catch (error) {
        if (started < measureFrom) continue;
        errors++;
        const key = errorKey(error);
        errorsByCode.set(key, (errorsByCode.get(key) ?? 0) + 1);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: settings.concurrency }, (_, i) => lane(i)));
  } finally {
    process.off('SIGINT', interrupted);
    clearInterval(progress);
    if (progress !== undefined) settings.io.stdout.write('\r\x1b[K');
  }
  const durationSec = Math.max(0, Math.min(end, performance.now()) - measureFrom) / 1000;
  const round = (ms: number): number => Math.round(ms * 1000) / 1000;
  return {
    target: settings.addr,
    request: settings.request,
    serialize: settings.serialize,
    concurrency: settings.concurrency,
    connections: settings.connections,
    durationSec: Math.round(durationSec * 1000) / 1000,
    calls: ok + errors,
    ok,
    errors,
    callsPerSec: durationSec === 0 ? 0 : Math.round((ok + errors) / durationSec),
    latencyMs: {
      min: round(histogram.min),
      mean: round(histogram.mean),
      p50: round(histogram.percentile(0.5)),
      p90: round(histogram.percentile(0.9)),
      p99: round(histogram.percentile(0.99)),
      p999: round(histogram.percentile(0.999)),
      max: round(histogram.max),
    },
    errorsByCode: Object.fromEntries([...errorsByCode].sort((a, b) => b[1] - a[1])),
  };
}

/** The stable code of a failure: a response code's name, or the engine error's code. */
function errorKey(error: unknown): string {
  if (error instanceof ResponseCodeError) return responseCodeName(error.responseCode);
  if (error instanceof RemoteError) return `REMOTE ${responseCodeName(error.responseCode)}`;
  return (error as { code?: unknown }).code === undefined ? (error as Error).name : String((error as { code: unknown }).code);
}

function formatResult(result: BenchResult): string {
  const l = result.latencyMs;
  const rows: Array<[string, string]> = [
    ['target', `${result.target}  ${result.request}  (${result.serialize} header)`],
    ['load', `${result.concurrency} in flight over ${result.connections} connection(s), ${result.durationSec.toFixed(1)} s`],
    ['calls', `${result.calls}  (${result.callsPerSec}/s)`],
    ['ok', String(result.ok)],
    ['errors', String(result.errors)],
    ['latency', `p50 ${formatMs(l.p50)} ms   p90 ${formatMs(l.p90)} ms   p99 ${formatMs(l.p99)} ms   max ${formatMs(l.max)} ms`],
  ];
  let out = rows.map(([key, value]) => `${key.padEnd(8)} ${value}`).join('\n') + '\n';
  const byCode = Object.entries(result.errorsByCode);
  if (byCode.length > 0) {
    const width = Math.max(...byCode.map(([code]) => code.length));
    out += 'errors by code:\n' + byCode.map(([code, count]) => `  ${code.padEnd(width)}  ${count}`).join('\n') + '\n';
  }
  return out;
}

function requestCode(text: string): number {
  const code = Number(text);
  if (!Number.isInteger(code) || code < -2147483648 || code > 2147483647) throw new CliUsageError(`--code must be a 32-bit integer, got ${JSON.stringify(text)}`);
  return code;
}

function extFields(pairs: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliUsageError(`--ext expects NAME=VALUE, got ${JSON.stringify(pair)}`);
    out.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return out;
}

function readBody(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new CliUsageError(`--body-file: cannot read ${file}: ${(error as Error).message}`);
  }
}
