import { test } from 'node:test';
import { RemotingServer } from '../../src/transport/remoting-server.js';
import { RemotingClient } from '../../src/transport/remoting-client.js';
import { assertRemotingError, rejectionOf } from '../support/transport-harness.js';

test('limit options out of range are refused with INVALID_ARGUMENT', async () => {
  assertRemotingError(await rejectionOf(Promise.resolve().then(() => new RemotingServer({ writeHighWaterMark: 1000, writeLowWaterMark: 2000 }))), 'INVALID_ARGUMENT');
  assertRemotingError(await rejectionOf(Promise.resolve().then(() => new RemotingServer({ maxConnections: 0 }))), 'INVALID_ARGUMENT');
  assertRemotingError(await rejectionOf(Promise.resolve().then(() => new RemotingClient({ frameTimeoutMs: -1 }))), 'INVALID_ARGUMENT');
  assertRemotingError(await rejectionOf(Promise.resolve().then(() => new RemotingClient({ inboundBudgetBytes: 1.5 }))), 'INVALID_ARGUMENT');
});
