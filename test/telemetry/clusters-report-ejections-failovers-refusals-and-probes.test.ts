import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ApiConsumer, ApiProvider, defineContract, HealthProbeResponder, J, method, RemotingClient, RemotingError, ServiceCluster, silentLogger, StaticSource } from '../../src/index.js';
import { startPrometheusExporter, type PrometheusExporterHandle } from '../../src/otel.js';
import { RecordingLogger } from '../support/transport-harness.js';
import { scrape, scrapeUntil, valueOf, type Sample } from '../support/prometheus-text.js';

const Inventory = defineContract('com.acme.Inventory', {
  stock: method([J.String], J.String, { idempotent: true }),
});

let metrics: PrometheusExporterHandle;
let provider: ApiProvider;
let live: string;
let dead: string;
const client = new RemotingClient({ logger: silentLogger });
const consumer = new ApiConsumer({ client });
const clusters: ServiceCluster[] = [];

/** An address nothing listens on (a port the OS gave out and took back). */
async function deadAddress(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

function cluster(name: string, addrs: string[], options: Partial<ConstructorParameters<typeof ServiceCluster>[0]> = {}): ServiceCluster {
  const made = new ServiceCluster({ source: new StaticSource(addrs), client, name, balancer: 'round-robin', probe: false, ...options });
  clusters.push(made);
  return made;
}

const value = (samples: Sample[], name: string, labels: Record<string, string>): number => valueOf(samples, name, labels, ['otel_scope_name']);

before(async () => {
  metrics = await startPrometheusExporter({ host: '127.0.0.1', port: 0, tracing: false });
  provider = new ApiProvider({ host: '127.0.0.1', port: 0, logger: silentLogger });
  provider.register(Inventory, { stock: (sku) => `${sku}: 3` });
  new HealthProbeResponder(provider.server);
  ({ addr: live } = await provider.start());
  dead = await deadAddress();
});

after(async () => {
  for (const made of clusters) await made.close();
  await client.close();
  await provider.close({ graceMs: 0 });
  await metrics.close();
});

test('an ejection, its failover and the readmission are logged and counted exactly', { timeout: 20_000 }, async () => {
  const logger = new RecordingLogger();
  const inventory = cluster('inventory', [live, dead], { logger, outlier: { consecutiveFailures: 1, baseEjectionMs: 1000, maxEjectedPercent: 50 } });
  await inventory.start();
  const proxy = consumer.proxy(Inventory, { target: inventory });
  // Round robin over two providers: one of the first two calls goes to the dead one, fails to
  // connect, ejects it and is resent to the live one.
  assert.equal(await proxy.stock('a'), 'a: 3');
  assert.equal(await proxy.stock('b'), 'b: 3');
  const ejected = await logger.waitFor((entry) => entry.fields.event === 'instance.ejected');
  assert.equal(ejected.level, 'warn');
  assert.deepEqual([ejected.fields.component, ejected.fields.cluster, ejected.fields.instance, ejected.fields.durationMs], ['cluster', 'inventory', dead, 1000]);
  assert.equal(await proxy.stock('c'), 'c: 3');

  const during = await scrape(metrics.url);
  const name = { rocket_rpc_cluster_name: 'inventory' };
  assert.equal(value(during, 'rocket_rpc_cluster_ejections_total', name), 1);
  assert.equal(value(during, 'rocket_rpc_cluster_failovers_total', name), 1);
  assert.equal(value(during, 'rocket_rpc_cluster_ejected', name), 1);
  assert.equal(value(during, 'rocket_rpc_cluster_instances', { ...name, rocket_rpc_health_state: 'unknown' }), 2, 'without probes health is unknown');
  assert.equal(value(during, 'rocket_rpc_cluster_retry_budget_refusals_total', name), 0);

  const readmitted = await logger.waitFor((entry) => entry.fields.event === 'instance.readmitted');
  assert.deepEqual([readmitted.level, readmitted.fields.instance], ['info', dead]);
  const later = await scrape(metrics.url);
  assert.equal(value(later, 'rocket_rpc_cluster_ejected', name), 0);
});

test('a retry the retry budget refuses is counted, and the call fails with the provider error', { timeout: 20_000 }, async () => {
  // The only provider is dead: the retry after the failed connect is refused by an empty budget.
  const strict = cluster('strict', [dead], { retryBudget: { ratio: 0, minRetriesPerSecond: 0 }, outlier: false });
  await strict.start();
  await assert.rejects(consumer.proxy(Inventory, { target: strict }).stock('x'), (error: unknown) => error instanceof RemotingError && error.code === 'CONNECT_FAILED');
  const samples = await scrape(metrics.url);
  assert.equal(value(samples, 'rocket_rpc_cluster_retry_budget_refusals_total', { rocket_rpc_cluster_name: 'strict' }), 1);
  assert.equal(value(samples, 'rocket_rpc_cluster_failovers_total', { rocket_rpc_cluster_name: 'strict' }), 0);
});

test('health probes are counted by result and the probed provider shows as healthy', { timeout: 20_000 }, async () => {
  const probed = cluster('probed', [live], { probe: { intervalMs: 30, timeoutMs: 1000, healthyThreshold: 1, unhealthyThreshold: 1, jitter: 0 } });
  await probed.start();
  await consumer.proxy(Inventory, { target: probed }).stock('p');
  const name = { rocket_rpc_cluster_name: 'probed' };
  const samples = await scrapeUntil(metrics.url, (s) => value(s, 'rocket_rpc_cluster_instances', { ...name, rocket_rpc_health_state: 'healthy' }) === 1);
  assert.ok(value(samples, 'rocket_rpc_cluster_probes_total', { ...name, rocket_rpc_probe_result: 'healthy' }) >= 1);
  assert.equal(value(samples, 'rocket_rpc_cluster_probes_total', { ...name, rocket_rpc_probe_result: 'failed' }), 0);
});
