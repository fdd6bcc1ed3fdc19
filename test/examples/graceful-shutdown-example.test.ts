import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../examples/graceful-shutdown.js';

test('the graceful-shutdown example: consumers hear the notice, no call fails, later calls go to the other provider', async () => {
  const lines: string[] = [];
  await main((line) => lines.push(line));
  assert.deepEqual(lines, [
    'consumer heard the going-away notice: true',
    'failed calls while a provider shut down: 0',
    'calls after the close went to the other provider: true',
  ]);
});
