import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../examples/connection-limits.js';

test('the connection limits example (docs/guarantees.md) runs and prints what it promises', async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  assert.deepEqual(lines, ['echo: ping', 'closed by frame timeout: 1; open: 1; refused: 0; held: 0']);
});
