import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CallDeadlines } from '../../src/transport/call-deadlines.js';
import { RemotingTimeoutError } from '../../src/transport/errors.js';
import { assertRemotingError, rejectionOf, request, response, newClient, startServer } from '../support/transport-harness.js';

test('calls sharing a timeout value each time out at their own deadline, never before it', async (t) => {
  const { addr } = await startServer(t, {}, (s) => s.registerProcessor(1, () => null));
  const { client } = newClient(t);
  const started: number[] = [];
  const calls: Array<Promise<number>> = [];
  for (let i = 0; i < 20; i++) {
    started.push(performance.now());
    calls.push(
      rejectionOf(client.invokeSync(addr, request(1), 150)).then((error) => {
        assertRemotingError(error, 'TIMEOUT', RemotingTimeoutError);
        return performance.now();
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const ended = await Promise.all(calls);
  ended.forEach((end, i) => {
    const elapsed = end - started[i]!;
    assert.ok(elapsed >= 149, `call ${i} failed after ${elapsed.toFixed(1)} ms, before its 150 ms`);
    assert.ok(elapsed < 150 + 1000, `call ${i} failed after ${elapsed.toFixed(1)} ms, long after its 150 ms (Java's sweep is 1–2 s late)`);
  });
  assert.equal(client.pendingCount, 0);
});

test('answered calls are never failed when their old deadline comes, and many timeout values mix', async (t) => {
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, () => response(0));
    s.registerProcessor(2, () => null);
  });
  const { client } = newClient(t);
  // Answered calls leave their entries behind; the silent ones must still fail on time.
  for (let i = 0; i < 200; i++) await client.invokeSync(addr, request(1), 120);
  // More distinct timeout values than there are shared timers: the rest get a timer each.
  const silent = Array.from({ length: 12 }, (_, i) => 100 + i * 7).map((timeoutMs) => {
    const begin = performance.now();
    return rejectionOf(client.invokeSync(addr, request(2), timeoutMs)).then((error) => ({ error, timeoutMs, elapsed: performance.now() - begin }));
  });
  for (const { error, timeoutMs, elapsed } of await Promise.all(silent)) {
    assertRemotingError(error, 'TIMEOUT');
    assert.ok(elapsed >= timeoutMs - 1, `${timeoutMs} ms call failed after ${elapsed.toFixed(1)} ms`);
  }
  assert.equal(client.pendingCount, 0);
});

test('CallDeadlines: refuses out-of-order deadlines and odd timeouts, and keeps only live entries when full', async () => {
  const expired: number[] = [];
  const live = new Set<number>();
  const deadlines = new CallDeadlines(
    (opaque) => expired.push(opaque),
    (opaque) => live.has(opaque),
  );
  const now = performance.now();
  assert.equal(deadlines.add(1, 1000, now + 1000), true);
  assert.equal(deadlines.add(2, 1000, now + 999), false, 'an earlier deadline than the last one of its value');
  assert.equal(deadlines.add(3, Infinity, Infinity), false);
  assert.equal(deadlines.add(4, 2 ** 32, now + 2 ** 32), false);
  assert.equal(deadlines.add(5, 0, now), false);
  // 100 000 entries whose calls ended at once: the ring stays small.
  for (let i = 0; i < 100_000; i++) assert.equal(deadlines.add(10 + i, 1000, now + 1000 + i / 1000), true);
  assert.ok(deadlines.size <= 64, `${deadlines.size} entries held for calls that all ended`);
  // Live entries are kept (and the ring grows for them).
  for (let i = 0; i < 1000; i++) live.add(200_000 + i);
  for (let i = 0; i < 1000; i++) deadlines.add(200_000 + i, 1000, now + 1200 + i / 1000);
  for (let i = 0; i < 1000; i++) deadlines.add(300_000 + i, 1000, now + 1300 + i / 1000);
  assert.ok(deadlines.size >= 1000 && deadlines.size <= 2048 + 64, `${deadlines.size} entries for 1000 waiting calls`);
  assert.equal(deadlines.add(7, 50, performance.now() + 20), true);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.deepEqual(expired, [7]);
  deadlines.clear();
});

test('leftover deadlines do not hold the process open; a call still waiting does', () => {
  const script = fileURLToPath(new URL('../fixtures/deadline-keepalive.js', import.meta.url));
  const begin = performance.now();
  const done = spawnSync(process.execPath, [script, 'answered'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(done.status, 0, done.stderr);
  assert.match(done.stdout, /answered/);
  assert.ok(performance.now() - begin < 8_000, 'exited without waiting for the 15 s deadline of an answered call');
  const waiting = spawnSync(process.execPath, [script, 'waiting'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(waiting.status, 0, waiting.stderr);
  assert.match(waiting.stdout, /TIMEOUT/, 'the process stayed up until the waiting call timed out');
});
