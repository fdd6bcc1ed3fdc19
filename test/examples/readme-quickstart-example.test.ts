import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../examples/readme-quickstart.js';

test("the README's service quick start runs: typed calls answer, a wrong argument type is refused", async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line), 0);
  assert.deepEqual(lines, ['hello a b', '1003', 'refused: INVALID_ARGUMENT']);
});
