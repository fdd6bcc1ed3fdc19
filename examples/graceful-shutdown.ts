// A provider leaving a cluster without failing a single call: close() sends connected consumers a
// going-away notice first, they route new calls to the other providers at once, and the calls
// already running on it finish there. Run: node .build/examples/graceful-shutdown.js
import { pathToFileURL } from 'node:url';
import { ApiConsumer, ApiProvider, defineContract, HealthProbeResponder, J, method, RemotingClient, ServiceCluster, StaticSource } from '../src/index.js';

export const Orders = defineContract('com.acme.Orders', {
  // Not idempotent: placing an order twice would be wrong, so the cluster never resends it after it may have run.
  place: method([J.String], J.String),
});

async function startProvider(name: string): Promise<{ provider: ApiProvider; addr: string }> {
  const provider = new ApiProvider({ host: '127.0.0.1', port: 0 });
  provider.register(Orders, { place: async (item) => (await new Promise((resolve) => setTimeout(resolve, 5)), `${item}@${name}`) });
  new HealthProbeResponder(provider.server);
  const { addr } = await provider.start();
  return { provider, addr };
}

export async function main(log: (line: string) => void = console.log): Promise<void> {
  const [a, b] = await Promise.all([startProvider('a'), startProvider('b')]);
  const client = new RemotingClient();
  const cluster = new ServiceCluster({ source: new StaticSource([a!.addr, b!.addr]), client });
  await cluster.start();
  const orders = new ApiConsumer({ client }).proxy(Orders, { target: cluster });
  let heard = false;
  client.on('goingAway', (addr) => (heard ||= addr === a!.addr));

  let stop = false;
  let failed = 0;
  const after: string[] = [];
  const answeredBy = { a: 0, b: 0 };
  let closed = false;
  const caller = async (worker: number): Promise<void> => {
    for (let n = 0; !stop; n++) {
      const startedAfterClose = closed;
      try {
        const placed = String(await orders.place(`order-${worker}-${n}`));
        answeredBy[placed.endsWith('@a') ? 'a' : 'b']++;
        if (startedAfterClose) after.push(placed);
      } catch {
        failed++;
      }
    }
  };
  const callers = Array.from({ length: 32 }, (_, worker) => caller(worker));
  try {
    await until(() => answeredBy.a >= 20 && answeredBy.b >= 20);
    await a!.provider.close({ graceMs: 5000 }); // what a SIGTERM handler would do
    closed = true;
    await until(() => after.length >= 64);
  } finally {
    stop = true;
    await Promise.all(callers);
    await cluster.close();
    await client.close();
    await b!.provider.close({ graceMs: 1000 });
  }
  log(`consumer heard the going-away notice: ${heard}`);
  log(`failed calls while a provider shut down: ${failed}`);
  log(`calls after the close went to the other provider: ${after.length > 0 && after.every((placed) => placed.endsWith('@b'))}`);
}

async function until(condition: () => boolean, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('graceful-shutdown example: the calls did not get through');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
