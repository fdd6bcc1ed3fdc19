import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../examples/engine-echo.js';

test('the engine example in the README runs and prints what it promises', async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  assert.deepEqual(lines, ['sync: code 0, body ping', 'async: pong', 'oneway delivered: hello', 'unknown code: 3 " request type 999 not supported"']);
});
