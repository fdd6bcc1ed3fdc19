import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blipTable, runRollingRestart, summarize } from '../support/rolling-restart.js';

test('rolling restart: three provider processes stopped with SIGTERM one after another under 128 calls in flight, zero failed calls of either kind', async (t) => {
  const result = await runRollingRestart({ providers: 3, inFlight: 128, delayMs: 5, warmupMs: 300, steadyMs: 1_000 });
  const { calls, restarts } = result;

  const failed = calls.filter((c) => c.error !== undefined);
  assert.deepEqual(
    failed.map((c) => `${c.kind}: ${String(c.error)}`),
    [],
    'no call failed, idempotent or not',
  );
  assert.equal(restarts.length, 3);
  for (const restart of restarts) {
    assert.ok(restart.inFlightAtSigterm > 0, `${restart.addr} had calls in flight when told to stop`);
    assert.equal(restart.exitCode, 0, `${restart.addr} closed and exited by itself`);
    assert.ok(restart.noticeAfterMs !== undefined, `the consumer heard ${restart.addr}'s going-away notice`);
  }
  const puts = calls.filter((c) => c.kind === 'put').length;
  assert.ok(puts > 500 && calls.length - puts > 500, `${calls.length} calls`);

  const steady = summarize(calls, [result.steady]);
  const restarting = summarize(calls, restarts);
  // Generous: the machine is shared; what matters is that no call sits waiting for its 3 s timeout.
  assert.ok(restarting.max < 2_500, `no call waited out a timeout (3 s) during restarts (max ${restarting.max.toFixed(0)} ms)`);
  const lines = [
    `${calls.length} calls (${puts} non-idempotent), 0 failed; per restart: notice heard after ${restarts.map((r) => r.noticeAfterMs?.toFixed(1)).join(' / ')} ms, old process exited after ${restarts.map((r) => r.exitAfterMs.toFixed(0)).join(' / ')} ms, back in rotation after ${restarts.map((r) => (r.end - r.begin).toFixed(0)).join(' / ')} ms`,
    `latency blip: steady p99 ${steady.p99.toFixed(1)} ms / max ${steady.max.toFixed(1)} ms; during restarts p99 ${restarting.p99.toFixed(1)} ms / max ${restarting.max.toFixed(1)} ms`,
    ...blipTable(result).split('\n'),
  ];
  for (const line of lines) t.diagnostic(line);
});
