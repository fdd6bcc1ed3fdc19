/**
 * The bounded version of `npm run bench -- soak` (bench/soak/engine-soak.ts): 20 000 calls over
 * loopback sockets, sync/async/oneway and both header types, ~10 % answered after their timeout and
 * connections killed mid-flight from both sides. Every call must end (as planned, with a typed
 * outcome) within its timeout + 50 ms (plus however long the event loop was stalled over its deadline
 * on this shared machine),
 * and afterwards no pending call, timer or socket may be left, with the heap back within 5 MiB.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSoak } from '../../bench/soak/engine-soak.js';

test('20 000 calls with late answers and killed connections all end in time and leave no timer, socket, pending call or heap behind', async () => {
  const report = await runSoak({ calls: 20_000, warmupCalls: 2_000, connections: 8, inFlightPerConnection: 16 });
  const { counts } = report;
  assert.deepEqual(report.failures, [], JSON.stringify(report));

  // Every call ended, each with an outcome its plan allows.
  assert.equal(counts.calls, 20_000);
  const ended = Object.values(counts.outcomes).flatMap((byOutcome) => Object.values(byOutcome)).reduce((a, b) => a + b, 0);
  assert.equal(ended, 20_000);
  const allowed: Record<string, string[]> = {
    answer: ['ok', 'oneway-written', 'CONNECTION_CLOSED', 'SEND_FAILED'],
    // 'ok': the late answer was read in the same event-loop turn as the deadline passed (a stall).
    late: ['TIMEOUT', 'CONNECTION_CLOSED', 'SEND_FAILED', 'ok'],
    'killed-by-server': ['CONNECTION_CLOSED', 'oneway-written', 'SEND_FAILED'],
    'killed-by-client': ['CONNECTION_CLOSED', 'oneway-written', 'SEND_FAILED', 'ok'],
  };
  for (const [fate, byOutcome] of Object.entries(counts.outcomes)) {
    for (const outcome of Object.keys(byOutcome)) assert.ok(allowed[fate]!.includes(outcome), `${fate} call ended with ${outcome}`);
  }

  // The mix really happened: all three modes, both header types, timeouts and kills.
  assert.ok(counts.byMode.sync > 5000 && counts.byMode.async > 5000 && counts.byMode.oneway > 1000, JSON.stringify(counts.byMode));
  assert.ok(counts.byHeader.JSON > 5000 && counts.byHeader.ROCKETMQ > 5000, JSON.stringify(counts.byHeader));
  assert.ok((counts.outcomes.late['TIMEOUT'] ?? 0) > 1000, 'about 10 % of the calls time out');
  assert.ok(counts.killsByServer > 0 && counts.killsByClient > 0, 'connections were killed from both sides');
  assert.ok((counts.outcomes.answer['CONNECTION_CLOSED'] ?? 0) > 0, 'kills ended calls in flight on the killed connection');

  // Timeouts are precise; nothing is left once the engine is closed.
  // Later than that only while this process's event loop was stalled (a shared machine) for as long.
  assert.equal(counts.unexplainedOvershootViolations, 0, `calls ended up to ${counts.maxOvershootMs} ms after their timeout, ${counts.maxUnexplainedOvershootMs} ms of it not a stall`);
  assert.equal(report.afterCalls.clientPending, 0);
  assert.equal(report.end.live['Timeout'] ?? 0, report.baseline.live['Timeout'] ?? 0);
  assert.equal(report.end.live['TCPWRAP'] ?? 0, report.baseline.live['TCPWRAP'] ?? 0);
  assert.equal(report.end.live['TCPSERVERWRAP'] ?? 0, report.baseline.live['TCPSERVERWRAP'] ?? 0);
  assert.ok(Math.abs(report.heapDeltaBytes) <= 5 * 1024 * 1024, `heap moved by ${report.heapDeltaBytes} bytes`);
});
