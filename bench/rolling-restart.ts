/**
 * Rolling restart under load, longer than the test: three provider processes behind a
 * ServiceCluster (static list, active probes every 100 ms), 128 calls kept in flight (idempotent and
 * non-idempotent alternating), each provider stopped with SIGTERM (graceful close: going-away notice,
 * in-flight calls finish) and started again on its port, the whole fleet `--rounds` times.
 * Prints the failed calls (expected: none) and the latency blip: steady state against the restart
 * windows, and per restart.
 * Run: npm run bench -- rolling-restart [--rounds=3] [--inflight=128] [--warmup-ms=2000] [--steady-ms=3000] [--delay-ms=5]
 */
import { blipTable, runRollingRestart, summarize } from '../test/support/rolling-restart.js';
import { printTable } from './common/report.js';

function option(name: string, fallback: number): number {
  const found = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  const value = found === undefined ? fallback : Number(found.slice(name.length + 3));
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
}

const rounds = option('rounds', 3);
const inFlight = option('inflight', 128);
const warmupMs = option('warmup-ms', 2_000);
const steadyMs = option('steady-ms', 3_000);
const delayMs = option('delay-ms', 5);

const result = await runRollingRestart({ providers: 3, inFlight, delayMs, warmupMs, steadyMs, rounds });
const failed = result.calls.filter((call) => call.error !== undefined);
console.log(`${result.calls.length} calls, ${inFlight} in flight, ${result.restarts.length} restarts (${rounds} rounds of 3): ${failed.length} failed`);
for (const call of failed.slice(0, 10)) console.log(`  ${call.kind}: ${String(call.error)}`);
console.log('');
console.log(blipTable(result));
console.log('');
printTable(
  'per restart (SIGTERM → restarted process readmitted and answering)',
  result.restarts.map((restart) => {
    const window = summarize(result.calls, [restart]);
    return {
      name: restart.addr,
      'in flight at SIGTERM': restart.inFlightAtSigterm,
      'notice heard ms': restart.noticeAfterMs === undefined ? 'never' : restart.noticeAfterMs.toFixed(1),
      'old process exited ms': Math.round(restart.exitAfterMs),
      'back in rotation ms': Math.round(restart.end - restart.begin),
      calls: window.calls,
      'p99 ms': window.p99.toFixed(1),
      'max ms': window.max.toFixed(1),
    };
  }),
);
if (failed.length > 0) process.exitCode = 1;
