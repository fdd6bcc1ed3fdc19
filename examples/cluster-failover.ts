// A consumer that targets a cluster instead of one address: three providers from a static list,
// consistent hashing on the first argument, failover for an idempotent method when one provider
// dies. Run: node .build/examples/cluster-failover.js
import { pathToFileURL } from 'node:url';
import { ApiConsumer, ApiProvider, defineContract, HealthProbeResponder, J, method, RemotingClient, ServiceCluster, StaticSource } from '../src/index.js';

export const Inventory = defineContract('com.acme.Inventory', {
  // Reading stock twice is harmless: the cluster may resend it to another provider.
  stock: method([J.String], J.String, { idempotent: true }),
});

async function startProvider(name: string): Promise<{ name: string; provider: ApiProvider; addr: string }> {
  const provider = new ApiProvider({ host: '127.0.0.1', port: 0 });
  provider.register(Inventory, { stock: (sku) => `${sku}@${name}` });
  new HealthProbeResponder(provider.server); // answers the cluster's probes (code 9000)
  const { addr } = await provider.start();
  return { name, provider, addr };
}

export async function main(log: (line: string) => void = console.log): Promise<void> {
  const providers = await Promise.all(['p1', 'p2', 'p3'].map(startProvider));
  const client = new RemotingClient();
  const cluster = new ServiceCluster({
    source: new StaticSource(providers.map((p) => p.addr)),
    client,
    balancer: 'consistent-hash', // key: the first argument
    failure: 'failover',
    retries: 2,
  });
  await cluster.start();
  const consumer = new ApiConsumer({ client, timeoutMs: 3000 });
  const inventory = consumer.proxy(Inventory, { target: cluster });
  try {
    const first = await inventory.stock('sku-42');
    const again = await inventory.stock('sku-42');
    log(`same key, same provider: ${first === again}`);

    // Stop the provider that owns sku-42: the idempotent call fails over, the caller sees no error.
    const owner = providers.find((p) => first === `sku-42@${p.name}`)!;
    await owner.provider.close({ graceMs: 0 });
    const afterFailure = await inventory.stock('sku-42');
    log(`after its provider stopped: answered by another: ${afterFailure !== first && afterFailure?.startsWith('sku-42@') === true}`);
  } finally {
    await cluster.close();
    await consumer.close();
    await client.close();
    await Promise.all(providers.map((p) => p.provider.close({ graceMs: 0 })));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
