/**
 * Issue 11's attacks at full size against the demo provider (an ApiProvider serving ServiceHello,
 * default limits) in its own process, one attack after another, while a good client on its own
 * connection calls `sayHello` every 100 ms with a 1 s timeout. For each attack: the provider's peak
 * RSS growth over its RSS at the start of the run, what happened to the attacker (paused: its
 * writes stalled; closed: its sockets' `close` events), and the good client's latencies and failures
 * during the attack. The bounded versions are tests (test/transport/*, see docs/guarantees.md).
 *
 * Run: npm run bench -- attacks [--quick]
 *   full:    3 000 × 1 MiB never read; 40 × 15 MiB unfinished; 20 × 16 MiB at 64 KiB/s; 2 000 × 3 bytes; 10 000 throws
 *   --quick: 300 × 256 KiB; 12 × 15 MiB; 5 × 16 MiB at 64 KiB/s; 200 × 3 bytes; 1 000 throws
 * Default limits throughout (30 s frame timeout), so attacks 2–4 last about 30 s each.
 */
import { execSync } from 'node:child_process';
import { GoodClient } from './attacks/good-client.js';
import { ProviderHandle, RssWatch } from './attacks/provider-handle.js';
import { neverReads, partialHeaders, throwingMethod, trickle, unfinishedFrames, type AttackResult } from './attacks/attack-runs.js';
import { printJsonLine, printTable, type ReportRow } from './common/report.js';

const MiB = 1024 * 1024;
const quick = process.argv.includes('--quick');
const GOOD_TIMEOUT_MS = 1000;
// Past the 30 s frame timeout, with room for a loaded machine: an attacker still open then is reported open.
const CLOSE_DEADLINE_MS = 45_000;

interface Attack {
  name: string;
  size: string;
  run: (provider: ProviderHandle) => Promise<AttackResult>;
}

const attacks: Attack[] = quick
  ? [
      { name: '1 never reads', size: '300 × 256 KiB', run: (p) => neverReads(p, 300, 256 * 1024) },
      { name: '2 unfinished frames', size: '12 × 15 MiB − 1 B', run: (p) => unfinishedFrames(p, 12, 15 * MiB, CLOSE_DEADLINE_MS) },
      { name: '3 slow frames', size: '5 × 16 MiB at 64 KiB/s', run: (p) => trickle(p, 5, 16 * MiB, 64 * 1024, CLOSE_DEADLINE_MS) },
      { name: '4 partial headers', size: '200 × 3 B', run: (p) => partialHeaders(p, 200, CLOSE_DEADLINE_MS) },
      { name: '5 method throws', size: '1 000 calls', run: (p) => throwingMethod(p, 1000) },
    ]
  : [
      { name: '1 never reads', size: '3 000 × 1 MiB', run: (p) => neverReads(p, 3000, MiB) },
      { name: '2 unfinished frames', size: '40 × 15 MiB − 1 B', run: (p) => unfinishedFrames(p, 40, 15 * MiB, CLOSE_DEADLINE_MS) },
      { name: '3 slow frames', size: '20 × 16 MiB at 64 KiB/s', run: (p) => trickle(p, 20, 16 * MiB, 64 * 1024, CLOSE_DEADLINE_MS) },
      { name: '4 partial headers', size: '2 000 × 3 B', run: (p) => partialHeaders(p, 2000, CLOSE_DEADLINE_MS) },
      { name: '5 method throws', size: '10 000 calls', run: (p) => throwingMethod(p, 10_000) },
    ];

const mib = (bytes: number): number => Math.round((bytes / MiB) * 10) / 10;

const provider = await ProviderHandle.start();
const good = new GoodClient(provider.addr, GOOD_TIMEOUT_MS);
const rows: ReportRow[] = [];
const results: Array<Record<string, unknown>> = [];
try {
  // Warm-up: the good client's connection and the allocator settle before the start RSS is taken.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const start = await provider.settle();
  const startRss = start.rss;
  console.log(`provider pid ${provider.pid} on ${provider.addr}, RSS at start ${mib(startRss)} MiB, live (heap + buffers) ${mib(start.live)} MiB${quick ? ' (--quick sizes)' : ''}`);
  for (const attack of attacks) {
    const settled = await provider.settle();
    const before = settled.rss;
    const watch = new RssWatch(provider);
    const from = performance.now();
    const result = await attack.run(provider);
    const to = performance.now();
    const after = await watch.stop();
    // Let the good client make a few calls on its own between attacks.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const window = good.window(from, to);
    console.log(`${attack.name} (${attack.size}): ${result.attacker}`);
    if (window.firstError !== undefined) console.log(`  good client's first failure: ${window.firstError}`);
    rows.push({
      name: attack.name,
      size: attack.size,
      's': Math.round((to - from) / 100) / 10,
      'RSS before MiB': mib(before),
      'live before MiB': mib(settled.live),
      'peak − start MiB': mib(watch.peakRss - startRss),
      'peak − before MiB': mib(watch.peakRss - before),
      'after MiB': mib(after.rss),
      'peak live MiB': mib(watch.peakLive),
      'good calls': window.calls,
      'failed': window.failures,
      'p50 ms': window.p50,
      'p99 ms': window.p99,
      'max ms': window.max,
    });
    results.push({ attack: attack.name, size: attack.size, durationMs: Math.round(to - from), rssBefore: before, liveBefore: settled.live, peakRss: watch.peakRss, peakLive: watch.peakLive, peakGrowth: watch.peakRss - startRss, rssAfter: after.rss, attacker: result.figures, good: window });
  }
  const all = good.window(0, Number.POSITIVE_INFINITY);
  const end = await provider.settle();
  printTable(`attacks against the demo provider (default limits), start RSS ${mib(startRss)} MiB; good client: sayHello every 100 ms, ${GOOD_TIMEOUT_MS} ms timeout`, rows);
  console.log(`\nprovider after the run (after GC): RSS ${mib(end.rss)} MiB, live (heap + buffers) ${mib(end.live)} MiB, ${end.stats.connections} connections (the good client's), ${end.stats.inboundBytesHeld} bytes held in unfinished frames`);
  console.log(`good client over the whole run: ${all.calls} calls, ${all.failures} failed, p50 ${all.p50.toFixed(1)} ms, p99 ${all.p99.toFixed(1)} ms, max ${all.max.toFixed(1)} ms; provider log lines: ${provider.logLines}`);
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout: the JSON line says so.
  }
  printJsonLine('attacks', { quick, commit, startRss, goodTimeoutMs: GOOD_TIMEOUT_MS, goodOverall: all, end: { rss: end.rss, live: end.live, stats: end.stats }, startLive: start.live, providerLogLines: provider.logLines, attacks: results });
} finally {
  await good.stop();
  await provider.stop();
}
