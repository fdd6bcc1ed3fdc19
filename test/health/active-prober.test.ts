import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { ActiveProber, type HealthState } from '../../src/health/active-prober.js';
import { HealthProbeResponder, HEALTH_PROBE_REQUEST_CODE, probeOnce } from '../../src/health/probe.js';
import { RemotingClient, RemotingServer } from '../../src/transport/index.js';
import { ResponseCode } from '../../src/protocol/index.js';

function nextState(prober: ActiveProber, id: string, state: HealthState): Promise<void> {
  return new Promise((resolve) => {
    const off = prober.onChange((changed, to) => {
      if (changed === id && to === state) {
        off();
        resolve();
      }
    });
  });
}

describe('active probes over real remoting connections', () => {
  let server: RemotingServer;
  let responder: HealthProbeResponder;
  let addr: string;
  let port: number;
  let client: RemotingClient;
  let probesSeen: string[];
  const probers: ActiveProber[] = [];

  async function startServer(atPort: number): Promise<void> {
    server = new RemotingServer({ host: '127.0.0.1', port: atPort });
    responder = new HealthProbeResponder(server);
    server.registerRpcHook({ doBeforeRequest: (remote, request) => void (request.code === HEALTH_PROBE_REQUEST_CODE && probesSeen.push(remote)), doAfterResponse: () => undefined });
    const address = await server.start();
    port = address.port;
    addr = `127.0.0.1:${port}`;
  }

  beforeEach(async () => {
    probesSeen = [];
    await startServer(0);
    client = new RemotingClient({ connectTimeoutMs: 500 });
  });

  afterEach(async () => {
    for (const prober of probers.splice(0)) prober.close();
    await client.close();
    await server.close({ graceMs: 0 });
  });

  function prober(): ActiveProber {
    const created = new ActiveProber(async (target, timeoutMs, signal) => (await probeOnce(client, target, timeoutMs, signal)).healthy, {
      intervalMs: 20,
      timeoutMs: 300,
      unhealthyThreshold: 2,
      healthyThreshold: 2,
    });
    probers.push(created);
    return created;
  }

  test('a probe is answered SUCCESS by a provider, and REQUEST_CODE_NOT_SUPPORTED by a peer without the responder, both healthy', async () => {
    const ok = await probeOnce(client, addr, 1_000);
    assert.deepEqual([ok.healthy, ok.code], [true, ResponseCode.SUCCESS]);
    const bare = new RemotingServer({ host: '127.0.0.1', port: 0 });
    const { port: barePort } = await bare.start();
    try {
      const other = await probeOnce(client, `127.0.0.1:${barePort}`, 1_000);
      assert.deepEqual([other.healthy, other.code], [true, ResponseCode.REQUEST_CODE_NOT_SUPPORTED]);
    } finally {
      await bare.close({ graceMs: 0 });
    }
    const refused = await probeOnce(client, '127.0.0.1:1', 1_000);
    assert.equal(refused.healthy, false);
    assert.equal((refused.error as { code?: string }).code, 'CONNECT_FAILED');
  });

  test('a used instance becomes healthy, unhealthy after the threshold of failed probes, and healthy again when it returns', async () => {
    const health = prober();
    const healthy = nextState(health, 'p1', 'healthy');
    health.use('p1', addr);
    await healthy;
    const down = nextState(health, 'p1', 'unhealthy');
    await server.close({ graceMs: 0 });
    await down;
    assert.equal(health.isAvailable('p1'), false);
    const back = nextState(health, 'p1', 'healthy');
    await startServer(port);
    await back;
    assert.equal(health.isAvailable('p1'), true);
  });

  test('a draining provider answers SYSTEM_BUSY and is taken out of rotation', async () => {
    const health = prober();
    const healthy = nextState(health, 'p1', 'healthy');
    health.use('p1', addr);
    await healthy;
    const drained = nextState(health, 'p1', 'unhealthy');
    responder.drain();
    await drained;
    const resumed = nextState(health, 'p1', 'healthy');
    responder.resume();
    await resumed;
  });

  test('only instances this consumer uses are probed; idle healthy ones are dropped', async () => {
    const health = new ActiveProber(async (target, timeoutMs, signal) => (await probeOnce(client, target, timeoutMs, signal)).healthy, { intervalMs: 20, idleAfterMs: 100 });
    probers.push(health);
    const healthy = nextState(health, 'p1', 'healthy');
    health.use('p1', addr);
    assert.equal(health.probedCount, 1);
    await healthy;
    assert.ok(probesSeen.length > 0);
    // Never used: never probed, whatever discovery lists.
    assert.equal(health.state('p2'), 'unknown');
    assert.equal(health.isAvailable('p2'), true);
    await waitFor(() => health.probedCount === 0);
    const sent = health.probesSent;
    assert.equal(health.state('p1'), 'unknown', 'dropped after idling');
    health.use('p1', addr);
    assert.equal(health.probedCount, 1);
    assert.ok(health.probesSent >= sent);
  });

  test('instances discovery drops are no longer probed', async () => {
    const health = prober();
    health.use('p1', addr);
    health.use('gone', '127.0.0.1:1');
    health.retain(new Set(['p1']));
    assert.equal(health.probedCount, 1);
    assert.equal(health.state('gone'), 'unknown');
  });
});

/** Polls a condition the prober's own timers change (bounded; each check is one timer turn). */
async function waitFor(condition: () => boolean, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
