/**
 * Consistent-hash ring at fleet scale: 10 000 providers, 100 000 keys, 1% churn per step.
 *   build       full ring from nothing (every member's md5 points, one sort)
 *   churn step  100 providers leave and 100 join, applied incrementally (one merge pass), compared
 *               with rebuilding the ring from scratch for the same membership
 *   keys moved  per step, against the ideal (the leavers' keys + the joiners' share)
 *   memory      point arrays, and heap + array buffers measured around a build
 *   lookups     owner of a key per second; bounded-load picks per second
 *   probes      health-probe traffic per consumer, from the probing policy: a consumer probes only
 *               the providers its own keys map to, not the fleet
 * Run: npm run bench -- ring-scale   (or: node .build/bench/ring-scale.js [--quick])
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { ConsistentHashRing } from '../src/balance/consistent-hash.js';
import { ConsistentHashBalancer } from '../src/balance/consistent-hash-balancer.js';
import { InFlightCounter } from '../src/balance/in-flight.js';
import type { Balanceable } from '../src/balance/balancer.js';
import { encodeCommand, RemotingCommand } from '../src/protocol/index.js';
import { printJsonLine, printTable } from './common/report.js';

const quick = process.argv.includes('--quick');
const PROVIDERS = quick ? 2_000 : 10_000;
const KEYS = quick ? 20_000 : 100_000;
const CHURN = 0.01;
const STEPS = quick ? 3 : 10;
/** The health policy's defaults (docs/discovery.md): one probe per used provider per interval. */
const PROBE_INTERVAL_MS = 5_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let nextAddress = 0;
function newProvider(): string {
  const n = nextAddress++;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}:20880`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

const keys = Array.from({ length: KEYS }, (_, i) => `user-${i}`);
let members = Array.from({ length: PROVIDERS }, newProvider);

// ---- build and memory
gc();
const heapBefore = process.memoryUsage();
const builds: number[] = [];
let ring = new ConsistentHashRing();
for (let i = 0; i < 3; i++) {
  const fresh = new ConsistentHashRing();
  builds.push(time(() => fresh.setMembers(members.map((id) => ({ id })))).ms);
  ring = fresh;
}
gc();
const heapAfter = process.memoryUsage();
const retainedBytes = heapAfter.heapUsed + heapAfter.arrayBuffers - (heapBefore.heapUsed + heapBefore.arrayBuffers);

// ---- churn
const churnRows: { step: number; incrementalMs: number; rebuildMs: number; moved: number; ideal: number }[] = [];
const owners = keys.map((key) => ring.get(key) as string);
for (let step = 1; step <= STEPS; step++) {
  const count = Math.round(PROVIDERS * CHURN);
  const leaving = new Set<string>();
  while (leaving.size < count) leaving.add(members[Math.floor(Math.random() * members.length)] as string);
  const joining = Array.from({ length: count }, newProvider);
  const incremental = time(() => ring.update(joining.map((id) => ({ id })), [...leaving]));
  members = members.filter((id) => !leaving.has(id)).concat(joining);
  const rebuild = time(() => new ConsistentHashRing().setMembers(members.map((id) => ({ id }))));
  const joined = new Set(joining);
  let moved = 0;
  let ideal = 0;
  for (let k = 0; k < KEYS; k++) {
    const owner = ring.get(keys[k] as string) as string;
    const before = owners[k] as string;
    if (owner !== before) moved++;
    // A key must move if its owner left, or if it now belongs to a joiner; nothing else should.
    if (leaving.has(before) || joined.has(owner)) ideal++;
    owners[k] = owner;
  }
  churnRows.push({ step, incrementalMs: incremental.ms, rebuildMs: rebuild.ms, moved, ideal });
}

// ---- lookups
function perSecond(run: (i: number) => unknown, durationMs = quick ? 200 : 1_000): number {
  let n = 0;
  const start = performance.now();
  let elapsed: number;
  let sink = 0;
  do {
    for (let i = 0; i < 1_000; i++, n++) if (run(n) !== undefined) sink++;
    elapsed = performance.now() - start;
  } while (elapsed < durationMs);
  if (sink < 0) console.log(sink);
  return (n * 1000) / elapsed;
}
const lookups = perSecond((i) => ring.get(keys[i % KEYS] as string));
const instances: Balanceable[] = members.map((id) => ({ id }));
const bounded = new ConsistentHashBalancer({ boundedLoadEpsilon: 0.25 });
const load = new InFlightCounter();
bounded.pick(instances, { key: 'warm', load });
const boundedPicks = perSecond((i) => {
  const chosen = bounded.pick(instances, { key: keys[i % KEYS], load }) as Balanceable;
  // Keep about one request in flight per provider, as a loaded consumer would.
  load.begin(chosen.id);
  if (load.total() > PROVIDERS) load.end(chosen.id);
  return chosen;
});

// ---- probe traffic per consumer
const probe = encodeCommand(new RemotingCommand({ code: 0, extFields: new Map([['probe', '1']]) }));
const probeFrameBytes = probe.length;
const probeRows = [100, 1_000, 10_000, 100_000].map((activeKeys) => {
  const used = new Set<string>();
  for (let k = 0; k < Math.min(activeKeys, KEYS); k++) used.add(ring.get(`consumer-key-${k}`) as string);
  const probesPerSecond = (used.size * 1000) / PROBE_INTERVAL_MS;
  return { activeKeys, usedProviders: used.size, probesPerSecond, bytesPerSecond: probesPerSecond * probeFrameBytes * 2 };
});
const fleetProbesPerSecond = (PROVIDERS * 1000) / PROBE_INTERVAL_MS;

// ---- report
printTable(`ring build (${PROVIDERS} providers × ${ring.replicas} points)`, [
  { name: 'full build', 'median ms': median(builds), points: ring.pointCount, 'point arrays MiB': ring.pointBytes / 2 ** 20, 'retained MiB': retainedBytes / 2 ** 20 },
]);
printTable(`churn: ${CHURN * 100}% of providers leave and as many join, per step (${KEYS} keys)`, churnRows.map((row) => ({
  name: `step ${row.step}`,
  'incremental ms': row.incrementalMs,
  'rebuild ms': row.rebuildMs,
  'keys moved': row.moved,
  'must move': row.ideal,
  'moved %': (100 * row.moved) / KEYS,
})));
printTable('lookups', [
  { name: 'ring.get(key)', 'ops/s': lookups },
  { name: 'bounded-load pick (ε=0.25)', 'ops/s': boundedPicks },
]);
printTable(`probe traffic per consumer (interval ${PROBE_INTERVAL_MS} ms, ${probeFrameBytes}-byte probe frames, request + response)`, [
  ...probeRows.map((row) => ({ name: `${row.activeKeys} active keys`, 'providers probed': row.usedProviders, 'probes/s': row.probesPerSecond, 'bytes/s': row.bytesPerSecond })),
  { name: 'whole fleet (not done)', 'providers probed': PROVIDERS, 'probes/s': fleetProbesPerSecond, 'bytes/s': fleetProbesPerSecond * probeFrameBytes * 2 },
]);
printJsonLine('ring-scale', {
  providers: PROVIDERS,
  keys: KEYS,
  replicas: ring.replicas,
  points: ring.pointCount,
  buildMs: median(builds),
  pointBytes: ring.pointBytes,
  retainedBytes,
  churnStepMs: median(churnRows.map((row) => row.incrementalMs)),
  rebuildMs: median(churnRows.map((row) => row.rebuildMs)),
  movedPerStep: median(churnRows.map((row) => row.moved)),
  mustMovePerStep: median(churnRows.map((row) => row.ideal)),
  extraMoved: churnRows.reduce((sum, row) => sum + row.moved - row.ideal, 0),
  lookupsPerSecond: lookups,
  boundedPicksPerSecond: boundedPicks,
  probes: probeRows,
  fleetProbesPerSecond,
});
