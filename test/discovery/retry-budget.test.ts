import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRetryable, RetryBudget } from '../../src/discovery/failure-policy.js';
import { RemotingError } from '../../src/errors.js';
import { ConnectionClosedError, RemotingConnectError, RemotingSendRequestError, RemotingTimeoutError, AbortedError } from '../../src/transport/index.js';

test('the floor allows a few retries per second even with no traffic', () => {
  let now = 0;
  const budget = new RetryBudget({ ratio: 0, minRetriesPerSecond: 2, windowSeconds: 3 }, () => now);
  const granted = Array.from({ length: 10 }, () => budget.tryRetry()).filter(Boolean).length;
  assert.equal(granted, 6, '2 per second over a 3 s window');
  now += 3_000;
  assert.equal(budget.tryRetry(), true, 'the window slid: retries are available again');
});

test('retries are capped at the ratio of recent requests', () => {
  let now = 10_000;
  const budget = new RetryBudget({ ratio: 0.1, minRetriesPerSecond: 0, windowSeconds: 10 }, () => now);
  for (let i = 0; i < 100; i++) budget.recordRequest();
  const granted = Array.from({ length: 50 }, () => budget.tryRetry()).filter(Boolean).length;
  assert.equal(granted, 10);
  now += 11_000;
  assert.equal(budget.tryRetry(), false, 'old requests no longer count');
});

test('what may be resent: never-connected always; maybe-ran only for idempotent methods', () => {
  const connect = new RemotingConnectError('a:1');
  const closed = new ConnectionClosedError('a:1', 7);
  const timeout = new RemotingTimeoutError('a:1', 100, 100);
  for (const idempotent of [true, false]) assert.equal(isRetryable(connect, idempotent), true);
  assert.equal(isRetryable(closed, true), true);
  assert.equal(isRetryable(closed, false), false);
  assert.equal(isRetryable(timeout, true), true);
  assert.equal(isRetryable(timeout, false), false);
  assert.equal(isRetryable(new AbortedError('call'), true), false, 'the caller gave up');
  assert.equal(isRetryable(new RemotingError('REMOTE', 'provider threw'), true), false);
  assert.equal(isRetryable(new Error('not ours'), true), false);
});

test('a request that found its connection already closed (not one byte sent) may be resent for any method; a write that failed midway only for idempotent ones', () => {
  const unsent = new RemotingSendRequestError('a:1', { cause: new ConnectionClosedError('a:1'), unsent: true });
  const midway = new RemotingSendRequestError('a:1', { cause: new Error('EPIPE') });
  for (const idempotent of [true, false]) assert.equal(isRetryable(unsent, idempotent), true);
  assert.equal(isRetryable(midway, true), true);
  assert.equal(isRetryable(midway, false), false);
});
