import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { ServiceCluster } from '../../src/discovery/cluster.js';
import { StaticSource } from '../../src/discovery/static.js';
import { ApiConsumer, type ServiceProxy } from '../../src/rpc/index.js';
import { RemotingClient } from '../../src/transport/index.js';
import { KvProvider } from '../support/kv-provider.js';
import { KvService } from '../support/kv-service.js';

interface Setup {
  providers: KvProvider[];
  source: StaticSource;
  cluster: ServiceCluster;
  client: RemotingClient;
  kv: ServiceProxy<typeof KvService>;
  /** A key each provider answers, by provider name. */
  keyOf: Map<string, string>;
}

async function setUp(t: TestContext, probe: ConstructorParameters<typeof ServiceCluster>[0]['probe']): Promise<Setup> {
  const providers = ['p1', 'p2', 'p3'].map((name) => new KvProvider(name));
  const addrs = await Promise.all(providers.map((p) => p.start()));
  const source = new StaticSource(addrs);
  const client = new RemotingClient({ connectTimeoutMs: 500 });
  const cluster = new ServiceCluster({ source, client, probe, outlier: false });
  t.after(async () => {
    await cluster.close();
    await client.close();
    for (const provider of providers) await provider.stop();
  });
  await cluster.start();
  const kv = new ApiConsumer({ client }).proxy(KvService, { target: cluster, timeoutMs: 3000 });
  const keyOf = new Map<string, string>();
  for (let i = 0; keyOf.size < 3 && i < 1000; i++) {
    const answer = await kv.get(`key-${i}`);
    const name = String(answer).split(':')[0] as string;
    if (!keyOf.has(name)) keyOf.set(name, `key-${i}`);
  }
  assert.equal(keyOf.size, 3, 'every provider owns some keys');
  return { providers, source, cluster, client, kv, keyOf };
}

test('a provider closing gracefully: new calls, non-idempotent ones included, go to the others at once; its call in flight finishes there (no probes: it stays out until discovery drops it)', async (t) => {
  const { providers, source, cluster, client, kv, keyOf } = await setUp(t, false);
  const victim = providers[1] as KvProvider;
  const key = keyOf.get('p2') as string;
  victim.behaviour = { delayMs: 300 };
  const inFlight = kv.put(key, 'v');
  while (!victim.calls.includes(key)) await new Promise((resolve) => setTimeout(resolve, 2));

  const heard = once(client, 'goingAway');
  const closing = victim.provider.close({ graceMs: 5000 });
  assert.deepEqual(await heard, [victim.addr]);
  assert.equal(cluster.members().find((m) => m.instance.addr === victim.addr)?.goingAway, true);
  // The same key, a method that must not run twice: routed elsewhere, no error, no retry needed.
  const rerouted = await kv.put(key, 'v');
  assert.notEqual(String(rerouted).split(':')[0], 'p2');
  assert.equal(await inFlight, `p2:${key}`, 'the call in flight when it began closing was answered by it');
  await closing;

  // Discovery stops listing it, then lists it again (a new registration): back in rotation.
  const others = providers.filter((p) => p !== victim).map((p) => p.addr);
  source.update(others);
  source.update([...others, victim.addr]);
  assert.equal(cluster.members().find((m) => m.instance.addr === victim.addr)?.goingAway, false);
});

test('with active probes a provider that said it is going away is unhealthy at once and readmitted by probes once it is back on its port', async (t) => {
  const { providers, cluster, client, kv, keyOf } = await setUp(t, { intervalMs: 50, timeoutMs: 300, unhealthyThreshold: 2, healthyThreshold: 2 });
  const victim = providers[1] as KvProvider;
  const port = Number(victim.addr.split(':')[1]);
  const member = () => cluster.members().find((m) => m.instance.addr === victim.addr);
  const heard = once(client, 'goingAway');
  await victim.provider.close({ graceMs: 2000 });
  await heard;
  assert.equal(member()?.health, 'unhealthy', 'no failed probe needed');
  assert.notEqual(String(await kv.get(keyOf.get('p2') as string)).split(':')[0], 'p2');

  const back = new KvProvider('p2-again', {}, port);
  providers[1] = back;
  await back.start();
  while (member()?.health !== 'healthy') await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(member()?.goingAway, false);
  assert.equal(await kv.get(keyOf.get('p2') as string), `p2-again:${keyOf.get('p2')}`, 'its keys come back to it');
});
