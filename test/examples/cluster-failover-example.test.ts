import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../examples/cluster-failover.js';

test('the cluster example: a key sticks to one provider and an idempotent call fails over when it stops', async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  assert.deepEqual(lines, ['same key, same provider: true', 'after its provider stopped: answered by another: true']);
});
