/**
 * What the connection limits cost (docs/guarantees.md): CPU per call of the engine with every limit
 * on (the defaults) against every limit off (0), 128 calls in flight, small payload (3 ext fields,
 * 20-byte body, ROCKETMQ header). Client and server share this process, pinned to one core, so CPU
 * time per call is the whole cost of a call and other processes on the machine disturb it little.
 * The two configurations alternate (which goes first too), each on a fresh server and client; the report gives the median
 * ratio and each pair's, and whether the pair ran undisturbed (wall time within 5 % of CPU time).
 *
 * Run: npm run bench -- engine-limits [--pairs=N] [--calls=N]
 */
import { performance } from 'node:perf_hooks';
import { RemotingClient, RemotingCommand, RemotingServer, SerializeType, type ConnectionLimitOptions } from '../src/index.js';
import { pinSelf } from './common/pin.js';
import { printJsonLine, printTable } from './common/report.js';

const IN_FLIGHT = 128;
const quiet = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const LIMITS_OFF: ConnectionLimitOptions = { writeHighWaterMark: 0, maxRequestsInProgress: 0, frameTimeoutMs: 0, inboundBudgetBytes: 0 };

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (arg === undefined) return fallback;
  const value = Number(arg.slice(name.length + 3));
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a whole number >= 1`);
  return value;
}

interface Sample {
  cpuUsPerCall: number;
  wallUsPerCall: number;
}

async function measure(limits: ConnectionLimitOptions, calls: number): Promise<Sample> {
  const server = new RemotingServer({ host: '127.0.0.1', port: 0, logger: quiet, ...limits });
  server.registerProcessor(1, (request) => RemotingCommand.createResponse(0, null, { body: request.body }));
  const { addr } = await server.start();
  const client = new RemotingClient({ logger: quiet, maxRequestsInProgress: limits.maxRequestsInProgress, frameTimeoutMs: limits.frameTimeoutMs, inboundBudgetBytes: limits.inboundBudgetBytes });
  const body = Buffer.alloc(20, 1);
  const extFields = new Map([['a', '1'], ['b', 'two'], ['c', 'three']]);
  const run = async (count: number): Promise<void> => {
    let next = 0;
    const caller = async (): Promise<void> => {
      while (next++ < count) await client.invokeSync(addr, RemotingCommand.createRequest(1, { body, extFields, serializeType: SerializeType.ROCKETMQ }), 5000);
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, caller));
  };
  try {
    await run(Math.ceil(calls / 6));
    const cpu = process.cpuUsage();
    const begin = performance.now();
    await run(calls);
    const used = process.cpuUsage(cpu);
    return { cpuUsPerCall: (used.user + used.system) / calls, wallUsPerCall: ((performance.now() - begin) * 1000) / calls };
  } finally {
    await client.close();
    await server.close({ graceMs: 0 });
  }
}

const pairs = option('pairs', 6);
const calls = option('calls', 300_000);
const pinned = pinSelf(1);
// A first pair, not reported, warms the JIT for both configurations.
await measure(LIMITS_OFF, calls / 3);
await measure({}, calls / 3);
const rows = [];
const ratios: number[] = [];
for (let pair = 1; pair <= pairs; pair++) {
  // Which runs first alternates, so JIT warm-up and drift favour neither.
  const offFirst = pair % 2 === 1;
  const first = await measure(offFirst ? LIMITS_OFF : {}, calls);
  const second = await measure(offFirst ? {} : LIMITS_OFF, calls);
  const off = offFirst ? first : second;
  const on = offFirst ? second : first;
  const ratio = on.cpuUsPerCall / off.cpuUsPerCall;
  ratios.push(ratio);
  const quietPair = on.wallUsPerCall <= on.cpuUsPerCall * 1.05 && off.wallUsPerCall <= off.cpuUsPerCall * 1.05;
  rows.push({ name: `pair ${pair}`, 'off µs/call': off.cpuUsPerCall, 'on µs/call': on.cpuUsPerCall, 'on / off': ratio, undisturbed: quietPair ? 'yes' : 'no' });
  console.log(`  pair ${pair}: off ${off.cpuUsPerCall.toFixed(3)} µs/call, on ${on.cpuUsPerCall.toFixed(3)} µs/call, ratio ${ratio.toFixed(3)}`);
}
const sorted = [...ratios].sort((a, b) => a - b);
const median = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
printTable(`Connection limits: CPU per call, all limits on (defaults) vs off, ${IN_FLIGHT} in flight, small payload${pinned ? ', pinned to core 1' : ''}`, rows);
console.log(`\nmedian on / off: ${median.toFixed(3)}  (target < 1.03: ${median < 1.03 ? 'met' : 'NOT met'})`);
printJsonLine('engine-limits', { inFlight: IN_FLIGHT, calls, pairs: rows, medianRatio: median });
