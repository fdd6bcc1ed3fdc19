import { test } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { closedAfter, declaredFrameHead, goodCaller, rawConnection, startLimitsServer } from '../support/limits-server.js';

const MiB = 1024 * 1024;

/** Sends a frame declaring `size` bytes and all of them but the last. */
function sendAllButLastByte(socket: net.Socket, size: number): void {
  socket.write(declaredFrameHead(size));
  socket.write(Buffer.alloc(size - 1, 1));
}

/**
 * Attack (b) of issue 11: connections each send a big frame minus its last byte. The server-wide
 * budget (8 MiB here) bounds what all of them hold together: when a chunk passes it, the
 * connection with the largest unfinished frame is closed, with a logged reason; the others, and a
 * good client's complete frames, keep flowing.
 */
test('unfinished frames share a bounded inbound budget: the largest holder is closed, others keep flowing', async (t) => {
  const server = await startLimitsServer(t, { inboundBudgetBytes: 8 * MiB });
  const good = goodCaller(t, server.addr, 1000);
  await server.until((s) => s.connections === 1, 5000, 'the good client');
  const baseline = await server.stats();

  const small = await rawConnection(t, server.port);
  sendAllButLastByte(small, 3 * MiB);
  await server.until((s) => s.inboundBytesHeld === 3 * MiB + 3, 10_000, 'the first frame to be held');
  const large = await rawConnection(t, server.port);
  sendAllButLastByte(large, 4 * MiB);
  await server.until((s) => s.inboundBytesHeld === 7 * MiB + 6, 10_000, 'the second frame to be held');
  // 3 + 4 + 2 MiB passes 8 MiB while the third arrives: the 4 MiB one is the largest then.
  const third = await rawConnection(t, server.port);
  const start = Date.now();
  sendAllButLastByte(third, 2 * MiB);
  await closedAfter(large, start);
  const after = await server.until((s) => s.inboundBytesHeld === 5 * MiB + 6, 10_000, 'the first and third frames to be held');
  assert.equal(after.closedByInboundBudget, 1);
  assert.equal(small.destroyed, false, 'the smaller holders stay connected');
  assert.equal(third.destroyed, false, 'the smaller holders stay connected');
  assert.ok(after.inboundBytesHeld <= 8 * MiB);
  assert.ok(server.logs.some((line) => line.startsWith('warn') && line.includes('inbound budget of 8388608 bytes exhausted')), `logged: ${server.logs.join(' | ')}`);

  // A fourth that fits is held too; one that does not closes the largest again (the 3 MiB one).
  const fourth = await rawConnection(t, server.port);
  sendAllButLastByte(fourth, 6 * MiB);
  await closedAfter(fourth, start);
  const last = await server.until((s) => s.closedByInboundBudget === 2, 10_000, 'the second eviction');
  assert.ok(last.inboundBytesHeld <= 8 * MiB, `held ${last.inboundBytesHeld}`);
  assert.equal(small.destroyed || third.destroyed, false, 'only the largest was closed');

  // The good client keeps answering after the attack, each call within its 1 s timeout.
  await good.answeredMore(5);
  await good.stop();
  // What the server holds is bounded by the budget (8 MiB) plus the chunks being read; RSS growth
  // stays under the budget plus 32 MiB of slack for a shared machine.
  const growth = last.peakRss - baseline.rss;
  assert.ok(growth < 40 * MiB, `server RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
});
