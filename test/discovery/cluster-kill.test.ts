import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceCluster } from '../../src/discovery/cluster.js';
import { StaticSource } from '../../src/discovery/static.js';
import { ApiConsumer } from '../../src/rpc/index.js';
import { RemotingClient } from '../../src/transport/index.js';
import { RemotingError } from '../../src/errors.js';
import { KvService } from '../support/kv-service.js';
import { ChildProvider } from '../support/child-provider.js';
import { freePort } from '../support/server-process.js';

const PROBE = { intervalMs: 100, timeoutMs: 300, unhealthyThreshold: 2, healthyThreshold: 2, jitter: 0.2 };
/** Worst case from kill to "not available" by probes alone: the thresholds' worth of jittered intervals plus a timeout. */
const DETECTION_BOUND_MS = PROBE.unhealthyThreshold * PROBE.intervalMs * (1 + PROBE.jitter) + PROBE.intervalMs * (1 + PROBE.jitter) + PROBE.timeoutMs;
/** Scheduling slack on a shared 2-core machine. */
const SLACK_MS = 1_000;

const children: ChildProvider[] = [];
after(async () => {
  for (const child of children) await child.crash();
});

async function startProvider(name: string, port: number): Promise<ChildProvider> {
  const child = ChildProvider.node('kv-provider-process.js', [name, String(port), '15']);
  children.push(child);
  await child.waitFor('listening');
  return child;
}

interface Outcome {
  kind: 'get' | 'put';
  ok: boolean;
  by?: string;
  error?: unknown;
  at: number;
}

test('kill -9 of one provider under load: idempotent calls never fail, others fail only in flight to it, typed; it is ejected in time and readmitted when back', async (t) => {
  const ports = [await freePort(), await freePort(), await freePort()];
  const names = ['p1', 'p2', 'p3'];
  await Promise.all(names.map((name, i) => startProvider(name, ports[i] as number)));
  const addrs = ports.map((port) => `127.0.0.1:${port}`);
  const victim = addrs[1] as string;

  const client = new RemotingClient({ connectTimeoutMs: 500 });
  const cluster = new ServiceCluster({
    source: new StaticSource(addrs),
    client,
    probe: PROBE,
    outlier: { consecutiveFailures: 3, baseEjectionMs: 500, maxEjectionMs: 2_000 },
    retries: 2,
    retryBudget: { ratio: 0.5, minRetriesPerSecond: 100 },
  });
  const kv = new ApiConsumer({ client }).proxy(KvService, { target: cluster, timeoutMs: 3_000 });
  await cluster.start();

  const outcomes: Outcome[] = [];
  let stop = false;
  let sequence = 0;
  const worker = async (): Promise<void> => {
    while (!stop) {
      const n = sequence++;
      const kind = n % 2 === 0 ? 'get' : 'put';
      try {
        const answer = kind === 'get' ? await kv.get(`key-${n}`) : await kv.put(`key-${n}`, 'v');
        outcomes.push({ kind, ok: true, by: String(answer).split(':')[0], at: performance.now() });
      } catch (error) {
        outcomes.push({ kind, ok: false, error, at: performance.now() });
      }
    }
  };
  const workers = Array.from({ length: 8 }, () => worker());
  const timing = { detectedMs: NaN };
  const available = (addr: string): boolean => cluster.members().some((m) => m.instance.addr === addr && m.health !== 'unhealthy' && !m.ejected);

  try {
    // Load reaches every provider and the victim has calls in flight: now crash it.
    await waitFor(() => outcomes.filter((o) => o.by === 'p2').length >= 20 && cluster.members().some((m) => m.instance.addr === victim && m.inFlight > 0));
    const victimChild = children[1] as ChildProvider;
    const killedAt = performance.now();
    await victimChild.crash();

    await waitFor(() => !available(victim));
    timing.detectedMs = performance.now() - killedAt;
    assert.ok(timing.detectedMs <= DETECTION_BOUND_MS + SLACK_MS, `taken out of rotation after ${timing.detectedMs.toFixed(0)} ms (bound ${DETECTION_BOUND_MS} + ${SLACK_MS} ms)`);

    // Keep the load on while it is gone, then bring it back on the same port.
    const whileDown = outcomes.length;
    await waitFor(() => outcomes.length >= whileDown + 200);
    const restartedAt = performance.now();
    children[1] = await startProvider('p2', ports[1] as number);
    await waitFor(() => available(victim), 15_000);
    await waitFor(() => outcomes.some((o) => o.by === 'p2' && o.at > restartedAt));
  } finally {
    stop = true;
    await Promise.all(workers);
    await cluster.close();
    await client.close();
  }

  const gets = outcomes.filter((o) => o.kind === 'get');
  const failedGets = gets.filter((o) => !o.ok);
  assert.deepEqual(failedGets.map((o) => String(o.error)), [], 'no idempotent call failed');
  const failedPuts = outcomes.filter((o) => o.kind === 'put' && !o.ok);
  for (const failure of failedPuts) {
    assert.ok(failure.error instanceof RemotingError, String(failure.error));
    assert.ok(['CONNECTION_CLOSED', 'SEND_FAILED'].includes(failure.error.code), `${failure.error.code}: ${failure.error.message}`);
    assert.equal((failure.error as RemotingError & { addr?: string }).addr, victim, 'only calls to the killed provider fail');
  }
  // At most the puts that were in flight at the kill: one per worker.
  assert.ok(failedPuts.length <= 8, `${failedPuts.length} puts failed`);
  assert.ok(gets.length > 100 && outcomes.length > 300, `${outcomes.length} calls`);
  t.diagnostic(`${outcomes.length} calls, ${failedPuts.length} non-idempotent calls failed in flight, out of rotation ${timing.detectedMs.toFixed(0)} ms after the kill`);
});

/** Polls cluster state the cluster's own timers and sockets change; bounded by the deadline. */
async function waitFor(condition: () => boolean, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
