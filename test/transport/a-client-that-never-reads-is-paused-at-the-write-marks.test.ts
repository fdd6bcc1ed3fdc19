import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RemotingCommand } from '../../src/protocol/command.js';
import { frameOf } from '../support/transport-raw.js';
import { ECHO_CODE, goodCaller, rawConnection, startLimitsServer } from '../support/limits-server.js';

const MiB = 1024 * 1024;
const ARGUMENT = 512 * 1024;
const CALLS = 160;

/**
 * Attack (a) of issue 11: one connection sends many calls with large arguments (echoed back, so
 * each answer is as large) and never reads. Unbounded, the server would queue all 160 answers,
 * 80 MiB. With the write water marks (1 MiB / 512 KiB) it stops reading that connection; what it
 * holds is the marks plus what it had already accepted, whatever the attacker sends.
 */
test('a client that never reads is paused at the write high-water mark, and a good client keeps its answers', async (t) => {
  const server = await startLimitsServer(t, {});
  const good = goodCaller(t, server.addr, 1000);
  // Warm up (allocator pools, the good client's connection) before the baseline is taken.
  await server.until((s) => s.connections === 1, 5000, 'the good client');
  const baseline = await server.stats();

  const attacker = await rawConnection(t, server.port);
  attacker.pause();
  const frame = frameOf(RemotingCommand.createRequest(ECHO_CODE, { body: Buffer.alloc(ARGUMENT, 7) }));
  // The same buffer each time: the attacker's own queue costs it nothing, and it cannot send faster.
  for (let i = 0; i < CALLS; i++) attacker.write(frame);

  const paused = await server.until((s) => s.pausedConnections === 1, 10_000, 'the server to pause the attacker');
  assert.equal(paused.readPauses >= 1, true);
  // The good client keeps answering, each call within its 1 s timeout, while the attacker is paused.
  await good.answeredMore(40);
  const during = await server.stats();
  await good.stop();

  assert.equal(during.pausedConnections, 1, 'the attacker is still paused');
  assert.ok(during.echoed < CALLS / 2, `the server kept reading and answering: ${during.echoed} of ${CALLS} calls processed`);
  // Bound: the high-water mark, plus one write batch (64 KiB) and one answer written after the check.
  const queueBound = 1 * MiB + 64 * 1024 + frame.length;
  assert.ok(during.peakQueuedOutbound <= queueBound, `outbound queue reached ${during.peakQueuedOutbound} bytes (bound ${queueBound})`);
  // RSS bound: unbounded, the queued answers alone would be 80 MiB. Bounded, the server holds the
  // marks (1 MiB) plus the requests it processed before pausing (kernel socket buffers let a few
  // MiB through) as garbage not yet collected (about 13 MiB measured); 40 MiB leaves room for a
  // shared machine's noise and still fails if the answers pile up.
  const growth = during.peakRss - baseline.rss;
  assert.ok(growth < 40 * MiB, `server RSS grew by ${(growth / MiB).toFixed(1)} MiB`);

  // Nothing decoded while paused was lost: once the attacker reads, every call is answered.
  let received = 0;
  let buffered: Buffer = Buffer.alloc(0);
  attacker.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
      buffered = buffered.subarray(4 + buffered.readInt32BE(0));
      received++;
    }
  });
  attacker.resume();
  const drained = await server.until((s) => s.echoed === CALLS && s.pausedConnections === 0, 20_000, 'every call to be answered');
  assert.equal(drained.echoed, CALLS);
  while (received < CALLS) await new Promise((resolve) => attacker.once('data', resolve));
  assert.equal(received, CALLS);
});
