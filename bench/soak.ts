/**
 * Soak: 1 000 000 engine calls over loopback sockets (sync, async and oneway; JSON and ROCKETMQ
 * headers) with ~10 % of calls timing out and connections killed mid-flight from either side so
 * that ~1 % of calls end on a killed connection. Then: every call ended within its timeout + 50 ms,
 * no pending call, no timer, no socket left, heap within 5 MiB of the start after GC. Prints a table
 * and one `BENCH {…}` line; exits 1 when a promise is broken. Method and results: docs/soak-and-fuzz.md.
 *
 * Run: npm run bench -- soak [--calls=N] [--connections=N] [--in-flight=N] [--seed=N]
 *  or: npx tsc -p tsconfig.test.json && node .build/bench/soak.js [--calls=N]
 */
import { printJsonLine, printTable, type ReportRow } from './common/report.js';
import { DEFAULT_SOAK_OPTIONS, runSoak, type SoakOptions } from './soak/engine-soak.js';

function numberOption(argv: readonly string[], name: string, fallback: number): number {
  const text = argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (text === undefined) return fallback;
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number, got ${text}`);
  return value;
}

const argv = process.argv.slice(2);
const options: Partial<SoakOptions> = {
  calls: numberOption(argv, 'calls', DEFAULT_SOAK_OPTIONS.calls),
  connections: numberOption(argv, 'connections', DEFAULT_SOAK_OPTIONS.connections),
  inFlightPerConnection: numberOption(argv, 'in-flight', DEFAULT_SOAK_OPTIONS.inFlightPerConnection),
  warmupCalls: numberOption(argv, 'warmup', DEFAULT_SOAK_OPTIONS.warmupCalls),
  seed: numberOption(argv, 'seed', DEFAULT_SOAK_OPTIONS.seed),
  onProgress: (done, elapsedMs) => console.error(`  ${done.toLocaleString('en-US')} calls ended (${(elapsedMs / 1000).toFixed(1)} s)`),
};

const mib = (bytes: number): string => (bytes / 1048576).toFixed(2);
const report = await runSoak(options);
const { counts } = report;

const rows: ReportRow[] = [];
for (const [fate, byOutcome] of Object.entries(counts.outcomes)) {
  for (const [outcome, n] of Object.entries(byOutcome).sort((a, b) => b[1] - a[1])) {
    rows.push({ name: `${fate} → ${outcome}`, calls: n, share: `${((100 * n) / counts.calls).toFixed(2)} %` });
  }
}
printTable(`Soak: ${counts.calls.toLocaleString('en-US')} calls in ${(counts.durationMs / 1000).toFixed(1)} s — planned fate → how the call ended`, rows);
printTable('Invariants', [
  { name: 'max overshoot past the timeout, any call (ms)', value: counts.maxOvershootMs.toFixed(1), limit: `≤ ${report.options.allowedOvershootMs}` },
  { name: 'max overshoot past the timeout, timed-out calls (ms)', value: counts.maxTimeoutOvershootMs.toFixed(1), limit: `≤ ${report.options.allowedOvershootMs}` },
  { name: 'calls over timeout + limit', value: String(counts.overshootViolations), limit: '' },
  { name: 'event-loop delay p99 / max during the run (ms)', value: `${counts.loopDelayP99Ms.toFixed(1)} / ${counts.loopDelayMaxMs.toFixed(1)}`, limit: '' },
  { name: 'calls over timeout + limit + the stall over their deadline', value: String(counts.unexplainedOvershootViolations), limit: '0' },
  { name: 'max overshoot minus that stall, calls over the limit (ms)', value: counts.overshootViolations === 0 ? '-' : counts.maxUnexplainedOvershootMs.toFixed(1), limit: `≤ ${report.options.allowedOvershootMs}` },
  { name: 'client pending after the last call', value: String(report.afterCalls.clientPending), limit: '0' },
  { name: 'server requests in flight after the last call', value: String(report.afterCalls.serverRequestsInFlight), limit: 'late answers' },
  { name: 'live timers after close (async_hooks)', value: String(report.end.live['Timeout'] ?? 0), limit: String(report.baseline.live['Timeout'] ?? 0) },
  { name: 'live sockets after close (async_hooks)', value: String(report.end.live['TCPWRAP'] ?? 0), limit: String(report.baseline.live['TCPWRAP'] ?? 0) },
  { name: 'active Timeout / TCPSocketWrap (getActiveResourcesInfo)', value: `${report.end.active['Timeout'] ?? 0} / ${report.end.active['TCPSocketWrap'] ?? 0}`, limit: `${report.baseline.active['Timeout'] ?? 0} / ${report.baseline.active['TCPSocketWrap'] ?? 0}` },
  { name: 'heap after GC, start → end (MiB)', value: `${mib(report.baseline.heapUsed)} → ${mib(report.end.heapUsed)}`, limit: '' },
  { name: 'heap delta (MiB)', value: mib(report.heapDeltaBytes), limit: `± ${mib(report.options.heapSlackBytes)}` },
  { name: 'kills by server / by client', value: `${counts.killsByServer} / ${counts.killsByClient}`, limit: '' },
  { name: 'late responses dropped by the clients', value: String(counts.lateResponsesDropped), limit: '' },
]);
printJsonLine('soak', { ...report, passed: report.failures.length === 0 });
if (report.failures.length > 0) {
  console.error(`\nsoak FAILED:\n  ${report.failures.join('\n  ')}`);
  process.exitCode = 1;
} else {
  console.log('\nsoak passed: every call ended in time, nothing left behind');
}
