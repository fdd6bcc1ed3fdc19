import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { ServiceCluster, type ServiceClusterOptions } from '../../src/discovery/cluster.js';
import { StaticSource } from '../../src/discovery/static.js';
import { HttpListSource } from '../../src/discovery/http-list.js';
import { PlatformServer } from '../support/platform-server.js';
import { NoProviderError } from '../../src/discovery/errors.js';
import { ApiConsumer, RemoteError, SEED_RPC_REQUEST_CODE } from '../../src/rpc/index.js';
import { RemotingClient, RemotingServer } from '../../src/transport/index.js';
import { RemotingCommand, ResponseCode } from '../../src/protocol/index.js';
import { RemotingError } from '../../src/errors.js';
import { KvService } from '../support/kv-service.js';
import { KvProvider } from '../support/kv-provider.js';
import { freePort } from '../support/server-process.js';

describe('ServiceCluster: discovery + health + balancer + failure policy over real providers', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function providers(count: number): Promise<KvProvider[]> {
    const started = Array.from({ length: count }, (_, i) => new KvProvider(`p${i + 1}`));
    for (const provider of started) {
      await provider.start();
      cleanups.push(() => provider.stop());
    }
    return started;
  }

  /** A consumer of KvService over a cluster of `addrs`. */
  async function consumerOf(addrs: string[], options: Partial<ServiceClusterOptions> = {}) {
    const client = new RemotingClient({ connectTimeoutMs: 1_000 });
    const source = new StaticSource(addrs);
    const cluster = new ServiceCluster({ source, client, probe: false, ...options });
    const consumer = new ApiConsumer({ client });
    cleanups.push(async () => {
      await cluster.close();
      await client.close();
    });
    await cluster.start();
    return { cluster, source, client, kv: consumer.proxy(KvService, { target: cluster, timeoutMs: 2_000 }) };
  }

  test('the same first argument always reaches the same provider; different ones spread', async () => {
    const all = await providers(3);
    const { kv } = await consumerOf(all.map((p) => p.addr));
    const first = await text(kv.get('user-42'));
    for (let i = 0; i < 10; i++) assert.equal(await kv.get('user-42'), first);
    assert.equal(await kv.put('user-42', 'v'), first, 'put keys on its first argument too');
    const owners = new Set<string>();
    for (let i = 0; i < 60; i++) owners.add((await text(kv.get(`user-${i}`))).split(':')[0] as string);
    assert.equal(owners.size, 3);
  });

  test('calls fail over past a provider that is down, idempotent or not (nothing was sent to it)', async () => {
    const [live] = await providers(1);
    const dead = `127.0.0.1:${await freePort()}`;
    const { kv, cluster } = await consumerOf([dead, (live as KvProvider).addr], { outlier: { consecutiveFailures: 2, baseEjectionMs: 60_000 } });
    for (let i = 0; i < 20; i++) {
      assert.match(await text(kv.get(`k${i}`)), /^p1:/);
      assert.match(await text(kv.put(`k${i}`, 'v')), /^p1:/);
    }
    const deadMember = cluster.members().find((member) => member.instance.addr === dead);
    assert.equal(deadMember?.ejected, true, 'consecutive connect failures ejected it');
  });

  test('a call in flight to a provider that dies: idempotent calls fail over, others fail with CONNECTION_CLOSED', async () => {
    const [hanging, healthy] = await providers(2);
    (hanging as KvProvider).behaviour = { hangPrefix: 'slow' };
    const { kv } = await consumerOf([(hanging as KvProvider).addr, (healthy as KvProvider).addr], { balancer: 'round-robin' });
    // Round robin from a random start: send until one of each lands on the hanging provider.
    const pending: { kind: 'get' | 'put'; result: Promise<string> }[] = [];
    // get, get, put over two providers in turn puts both kinds on both providers.
    for (let i = 0; i < 6; i++) {
      if (i % 3 === 2) pending.push({ kind: 'put', result: text(kv.put(`slow-put-${i}`, 'v')) });
      else pending.push({ kind: 'get', result: text(kv.get(`slow-get-${i}`)) });
    }
    pending.forEach((call) => call.result.catch(() => undefined));
    await waitFor(() => (hanging as KvProvider).calls.some((key) => key.startsWith('slow-get')) && (hanging as KvProvider).calls.some((key) => key.startsWith('slow-put')));
    await (hanging as KvProvider).stop();
    const outcomes = await Promise.allSettled(pending.map((call) => call.result));
    for (const [i, outcome] of outcomes.entries()) {
      const kind = pending[i]?.kind;
      if (kind === 'get') assert.equal(outcome.status, 'fulfilled', `get ${i}: ${outcome.status === 'rejected' ? String(outcome.reason) : ''}`);
      if (outcome.status === 'rejected') {
        assert.equal(kind, 'put');
        assert.ok(outcome.reason instanceof RemotingError);
        assert.equal(outcome.reason.code, 'CONNECTION_CLOSED');
      }
    }
    assert.ok(outcomes.some((outcome) => outcome.status === 'rejected'), 'at least the put in flight to the dead provider failed');
  });

  test('failfast never resends', async () => {
    const dead = `127.0.0.1:${await freePort()}`;
    const { kv } = await consumerOf([dead], { failure: 'failfast' });
    await assert.rejects(kv.get('k'), (error: unknown) => error instanceof RemotingError && error.code === 'CONNECT_FAILED');
  });

  test('failover stops at the retry limit, and never tries a provider twice', async () => {
    const deads = await Promise.all(Array.from({ length: 5 }, async () => `127.0.0.1:${await freePort()}`));
    const client = new RemotingClient({ connectTimeoutMs: 500 });
    const dialled: string[] = [];
    const originalInvoke = client.invokeSync.bind(client);
    client.invokeSync = (addr, request, timeoutMs, options) => {
      dialled.push(addr);
      return originalInvoke(addr, request, timeoutMs, options);
    };
    const cluster = new ServiceCluster({ source: new StaticSource(deads), client, probe: false, outlier: false, retries: 2 });
    cleanups.push(async () => {
      await cluster.close();
      await client.close();
    });
    await cluster.start();
    const kv = new ApiConsumer({ client }).proxy(KvService, { target: cluster });
    await assert.rejects(kv.get('k'), (error: unknown) => error instanceof RemotingError && error.code === 'CONNECT_FAILED');
    assert.equal(dialled.length, 3, 'the first attempt and two retries');
    assert.equal(new Set(dialled).size, 3);
  });

  test('failover keeps to the caller’s deadline: attempts share it', async () => {
    const all = await providers(3);
    for (const provider of all) provider.behaviour = { hangPrefix: '' };
    const { kv } = await consumerOf(all.map((p) => p.addr), { attemptTimeoutMs: 150, retries: 5 });
    const call = kv.get.with({ timeoutMs: 400 });
    await assert.rejects(call('k'), (error: unknown) => error instanceof RemotingError && error.code === 'TIMEOUT');
    // 400 ms of deadline at 150 ms per attempt: three attempts at most, whatever the retry limit.
    const attempts = all.reduce((sum, provider) => sum + provider.calls.length, 0);
    assert.ok(attempts >= 2 && attempts <= 3, `${attempts} attempts`);
  });

  test('calls made while discovery’s first attempt runs wait for it instead of failing', async () => {
    const [provider] = await providers(1);
    const platform = new PlatformServer();
    await platform.start();
    platform.online('127.0.0.1');
    cleanups.push(() => platform.stop());
    const client = new RemotingClient();
    // The first listing is an HTTP round trip: the call below starts before it has answered.
    const source = new HttpListSource({ url: platform.url, port: Number((provider as KvProvider).addr.split(':')[1]) });
    const cluster = new ServiceCluster({ source, client, probe: false });
    cleanups.push(async () => {
      await cluster.close();
      await client.close();
    });
    const kv = new ApiConsumer({ client }).proxy(KvService, { target: cluster });
    const starting = cluster.start();
    assert.equal(source.current().version, 0);
    assert.match(await text(kv.get('early')), /^p1:/);
    await starting;
  });

  test('an empty cluster is a NO_PROVIDER error', async () => {
    const { kv } = await consumerOf([]);
    await assert.rejects(kv.get('k'), (error: unknown) => error instanceof NoProviderError && error.code === 'NO_PROVIDER' && error.known === 0);
  });

  test('raw engine callers: a SYSTEM_BUSY answer fails over for any request, since it never ran', async () => {
    const busy = new RemotingServer({ host: '127.0.0.1', port: 0 });
    busy.registerProcessor(SEED_RPC_REQUEST_CODE, () => RemotingCommand.createResponse(ResponseCode.SYSTEM_BUSY, 'busy'));
    const ok = new RemotingServer({ host: '127.0.0.1', port: 0 });
    ok.registerProcessor(SEED_RPC_REQUEST_CODE, () => RemotingCommand.createResponse(ResponseCode.SUCCESS, null, { body: Buffer.from('"ok"') }));
    const busyAddr = `127.0.0.1:${(await busy.start()).port}`;
    const okAddr = `127.0.0.1:${(await ok.start()).port}`;
    cleanups.push(() => busy.close({ graceMs: 0 }), () => ok.close({ graceMs: 0 }));
    const { cluster } = await consumerOf([busyAddr, okAddr], { balancer: 'round-robin' });
    for (let i = 0; i < 4; i++) {
      const { response, addr } = await cluster.invoke(RemotingCommand.createRequest(SEED_RPC_REQUEST_CODE), 1_000, {});
      assert.equal(response.code, ResponseCode.SUCCESS);
      assert.equal(addr, okAddr);
    }
  });

  test('a provider that probes unhealthy (draining) gets no more calls', async () => {
    const [draining, other] = await providers(2);
    const { kv, cluster } = await consumerOf([(draining as KvProvider).addr, (other as KvProvider).addr], {
      balancer: 'round-robin',
      probe: { intervalMs: 20, timeoutMs: 500, unhealthyThreshold: 1 },
    });
    for (let i = 0; i < 4; i++) await kv.get(`warm-${i}`);
    assert.equal(cluster.probedCount, 2, 'both were used, so both are probed');
    (draining as KvProvider).responder.drain();
    await waitFor(() => cluster.members().some((member) => member.health === 'unhealthy'));
    const before = (draining as KvProvider).calls.length;
    for (let i = 0; i < 10; i++) assert.match(await text(kv.get(`after-${i}`)), /^p2:/);
    assert.equal((draining as KvProvider).calls.length, before);
  });

  test('a provider error is the caller’s, not a reason to fail over', async () => {
    const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
    let calls = 0;
    server.registerProcessor(SEED_RPC_REQUEST_CODE, () => {
      calls++;
      return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, 'java.lang.IllegalStateException: nope');
    });
    const addr = `127.0.0.1:${(await server.start()).port}`;
    cleanups.push(() => server.close({ graceMs: 0 }));
    const [other] = await providers(1);
    const { kv } = await consumerOf([addr, (other as KvProvider).addr], { balancer: 'round-robin' });
    const results = await Promise.allSettled([kv.get('a'), kv.get('b')]);
    const failed = results.filter((result) => result.status === 'rejected');
    assert.equal(failed.length, 1);
    assert.ok((failed[0] as PromiseRejectedResult).reason instanceof RemoteError);
    assert.equal(calls, 1);
  });
});

/** KvService answers are never null; say so once. */
async function text(answer: Promise<string | null>): Promise<string> {
  const value = await answer;
  if (value === null) throw new Error('null answer');
  return value;
}

async function waitFor(condition: () => boolean, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
