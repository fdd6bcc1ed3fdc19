import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closedAfter, declaredFrameHead, goodCaller, rawConnection, startLimitsServer } from '../support/limits-server.js';

const MiB = 1024 * 1024;
const FRAME_TIMEOUT_MS = 600;
/** Timer and scheduling slack on a shared two-core machine. */
const SLACK_MS = 700;

/**
 * Attack (c) of issue 11: a declared-large frame sent a trickle at a time. Each chunk resets the
 * idle timer, so only the frame timeout can end it: the connection is closed once the frame is
 * older than `frameTimeoutMs`, however recently its last byte came.
 */
test('a frame trickled in slowly is closed within the frame timeout, whatever keeps arriving', async (t) => {
  const server = await startLimitsServer(t, { frameTimeoutMs: FRAME_TIMEOUT_MS });
  const good = goodCaller(t, server.addr, 1000);
  await server.until((s) => s.connections === 1, 5000, 'the good client');
  const baseline = await server.stats();

  const slow = await rawConnection(t, server.port);
  const start = Date.now();
  slow.write(declaredFrameHead(8 * MiB));
  const trickle = setInterval(() => slow.write(Buffer.alloc(512, 1)), 25);
  t.after(() => clearInterval(trickle));
  const closedAt = await closedAfter(slow, start);
  clearInterval(trickle);
  assert.ok(closedAt >= FRAME_TIMEOUT_MS - 50, `closed after ${closedAt} ms, before the frame timeout`);
  assert.ok(closedAt <= FRAME_TIMEOUT_MS + SLACK_MS, `closed after ${closedAt} ms (frame timeout ${FRAME_TIMEOUT_MS} ms)`);

  const after = await server.until((s) => s.closedByFrameTimeout === 1 && s.inboundBytesHeld === 0, 5000, 'the count');
  assert.ok(server.logs.some((line) => line.startsWith('warn') && line.includes('still incomplete')), `logged: ${server.logs.join(' | ')}`);
  // The good client keeps answering after the attack, each call within its 1 s timeout.
  await good.answeredMore(5);
  await good.stop();
  const growth = after.peakRss - baseline.rss;
  assert.ok(growth < 32 * MiB, `server RSS grew by ${((growth) / MiB).toFixed(1)} MiB`);
});

/**
 * Attack (d) of issue 11: many connections send 3 bytes of a frame header and stop. The idle
 * timeout (120 s by default) would hold them that long, and one byte now and then forever; the
 * frame timeout closes every one of them.
 */
test('connections that send part of a frame header and stop are closed within the frame timeout', async (t) => {
  const COUNT = 200;
  const server = await startLimitsServer(t, { frameTimeoutMs: FRAME_TIMEOUT_MS });
  const good = goodCaller(t, server.addr, 1000);
  await server.until((s) => s.connections === 1, 5000, 'the good client');
  const baseline = await server.stats();

  const sockets = await Promise.all(Array.from({ length: COUNT }, () => rawConnection(t, server.port)));
  const start = Date.now();
  for (const socket of sockets) socket.write(Buffer.from([0, 0, 1]));
  const closedAt = await Promise.all(sockets.map((socket) => closedAfter(socket, start)));
  const latest = Math.max(...closedAt);
  assert.ok(latest <= FRAME_TIMEOUT_MS + SLACK_MS, `the last one closed after ${latest} ms (frame timeout ${FRAME_TIMEOUT_MS} ms)`);
  assert.ok(Math.min(...closedAt) >= FRAME_TIMEOUT_MS - 50, `one closed after ${Math.min(...closedAt)} ms, before the frame timeout`);

  const after = await server.until((s) => s.closedByFrameTimeout === COUNT && s.connections === 1, 5000, 'every attacker closed and counted');
  assert.equal(after.inboundBytesHeld, 0);
  // The good client keeps answering after the attack, each call within its 1 s timeout.
  await good.answeredMore(5);
  await good.stop();
  const growth = after.peakRss - baseline.rss;
  assert.ok(growth < 32 * MiB, `server RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
});
