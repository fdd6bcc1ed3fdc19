import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { closedAfter, goodCaller, rawConnection, startLimitsServer } from '../support/limits-server.js';

const MiB = 1024 * 1024;

/**
 * Attack (e) of issue 11: more connections than `maxConnections`. The extra ones are closed as
 * soon as they are accepted and counted in `stats().connectionsRefused`; the connections already
 * open, the good client's among them, keep working; a slot that frees up can be taken again.
 */
test('maxConnections refuses the extra connections at once and counts them', async (t) => {
  const server = await startLimitsServer(t, { maxConnections: 5 });
  const good = goodCaller(t, server.addr, 1000);
  await server.until((s) => s.connections === 1, 5000, 'the good client');
  const baseline = await server.stats();

  const admitted = await Promise.all(Array.from({ length: 4 }, () => rawConnection(t, server.port)));
  await server.until((s) => s.connections === 5, 5000, 'five connections');
  const start = Date.now();
  const extra = await Promise.all(Array.from({ length: 3 }, () => rawConnection(t, server.port)));
  const closedAt = await Promise.all(extra.map((socket) => closedAfter(socket, start)));
  assert.ok(Math.max(...closedAt) < 2000, `refused connections closed after ${closedAt.join(', ')} ms`);
  const refused = await server.until((s) => s.connectionsRefused === 3, 5000, 'three refusals counted');
  assert.equal(refused.connections, 5);
  assert.equal(admitted.some((socket) => socket.destroyed), false, 'the admitted connections stay open');

  // A freed slot is taken by the next connection.
  admitted[0]!.destroy();
  await server.until((s) => s.connections === 4, 5000, 'the slot to free up');
  const next = await rawConnection(t, server.port);
  await server.until((s) => s.connections === 5, 5000, 'the next connection');
  assert.equal(next.destroyed, false);
  const timer = setTimeout(() => next.emit('check'), 100);
  await once(next, 'check');
  clearTimeout(timer);
  assert.equal(next.destroyed, false, 'the connection in the freed slot stays open');

  // The good client keeps answering after the attack, each call within its 1 s timeout.
  await good.answeredMore(5);
  await good.stop();
  const after = await server.stats();
  assert.equal(after.connectionsRefused, 3);
  const growth = after.peakRss - baseline.rss;
  assert.ok(growth < 32 * MiB, `server RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
});
