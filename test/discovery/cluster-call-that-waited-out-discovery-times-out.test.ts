import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceCluster } from '../../src/discovery/cluster.js';
import { instanceFromAddress } from '../../src/discovery/instance.js';
import { SourceBase } from '../../src/discovery/source.js';
import { RemotingCommand } from '../../src/protocol/index.js';
import { RemotingClient, RemotingTimeoutError } from '../../src/transport/index.js';
import { blockEventLoopUntil } from '../support/transport-harness.js';

/** A source whose first discovery answers late: it publishes, then holds the event loop a while. */
class SlowFirstSource extends SourceBase {
  constructor(private readonly holdMs: number) {
    super('slow-first');
  }
  protected async startSource(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.publish([instanceFromAddress('127.0.0.1:9')]);
    blockEventLoopUntil(performance.now() + this.holdMs);
  }
  protected async closeSource(): Promise<void> {}
}

test('a call whose whole timeout went on waiting for the first discovery fails with a typed timeout, not undefined', async (t) => {
  const client = new RemotingClient();
  const cluster = new ServiceCluster({ source: new SlowFirstSource(150), client, probe: false });
  t.after(async () => {
    await cluster.close();
    await client.close();
  });
  const started = cluster.start();
  const request = RemotingCommand.createRequest(0);
  const [sync, oneway] = await Promise.allSettled([cluster.invoke(request, 60), cluster.invokeOneway(RemotingCommand.createRequest(0), 60)]);
  await started;
  for (const outcome of [sync, oneway]) {
    assert.equal(outcome.status, 'rejected');
    const error = (outcome as PromiseRejectedResult).reason as unknown;
    assert.ok(error instanceof RemotingTimeoutError, `got ${String(error)}`);
    assert.equal(error.code, 'TIMEOUT');
    assert.match(error.message, /first discovery/);
  }
});
