import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { ResponseFuture } from '../../src/transport/remoting-client.js';
import { ConnectionClosedError } from '../../src/transport/errors.js';
import { Counter, assertRemotingError, bodyText, deferred, newClient, rejectionOf, request } from '../support/transport-harness.js';
import { startServerProcess } from '../support/transport-child.js';

const NEVER_ANSWERED = 1;
const ECHO = 2;

test('a server process killed with SIGKILL mid-call: every pending call fails fast with a typed error', async (t) => {
  const server = await startServerProcess(t);
  const { client } = newClient(t);
  assert.equal(bodyText(await client.invokeSync(server.addr, request(ECHO, { body: 'alive' }), 10_000)), 'alive');

  const n = 100;
  const callbacks = new Counter();
  const outcomes: Array<Promise<unknown>> = [];
  for (let i = 0; i < n; i++) {
    outcomes.push(rejectionOf(client.invokeSync(server.addr, request(NEVER_ANSWERED), 30_000)));
    outcomes.push(rejectionOf(client.invokeAsyncPromise(server.addr, request(NEVER_ANSWERED), 30_000)));
    const viaCallback = deferred<unknown>();
    client.invokeAsync(server.addr, request(NEVER_ANSWERED), 30_000, (future: ResponseFuture) => {
      callbacks.increment();
      viaCallback.resolve(future.error);
    });
    outcomes.push(viaCallback.promise);
  }
  // Every request is in the server process (it printed it) before it dies.
  await server.linesMatching(/^received -?\d+$/, 3 * n);
  assert.equal(client.pendingCount, 3 * n);

  const killedAt = performance.now();
  process.kill(server.pid, 'SIGKILL');
  const errors = await Promise.all(outcomes);
  const elapsed = performance.now() - killedAt;
  assert.ok(elapsed < 10_000, `pending calls failed ${Math.round(elapsed)} ms after the kill, long before their 30 s timeout`);
  for (const error of errors) {
    const closed = assertRemotingError(error, 'CONNECTION_CLOSED', ConnectionClosedError);
    assert.equal(closed.addr, server.addr);
    assert.equal(typeof closed.opaque, 'number');
  }
  assert.equal(callbacks.value, n, 'each callback ran once');
  assert.equal(client.pendingCount, 0, 'nothing stays in the pending table');
  await server.exited;
  assert.equal(server.child.signalCode, 'SIGKILL');

  // The dead connection is gone; the next call tries a new one and fails to connect.
  const refused = assertRemotingError(await rejectionOf(client.invokeSync(server.addr, request(ECHO), 10_000)), 'CONNECT_FAILED');
  assert.match(refused.message, new RegExp(server.addr));
  assert.equal(client.pendingCount, 0);
});
