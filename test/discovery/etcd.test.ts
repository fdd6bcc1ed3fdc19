import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { EtcdSource, EtcdRegistration, etcdProvidersPrefix } from '../../src/etcd.js';
import type { DiscoveryError } from '../../src/discovery/errors.js';
import { EtcdServer } from '../support/etcd-server.js';
import { ETCD, skipReason } from '../support/server-process.js';
import { ChildProvider } from '../support/child-provider.js';
import { ApiProvider } from '../../src/index.js';
import { addrs, waitForError, waitForSet, waitUntil } from '../support/discovery-wait.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const skip = skipReason(ETCD);

describe('etcd discovery and registration against a real etcd', { skip }, () => {
  let etcd: EtcdServer;
  let admin: Etcd3;
  let serviceCounter = 0;
  const closers: (() => Promise<unknown>)[] = [];

  before(async () => {
    etcd = await new EtcdServer().start();
    admin = new Etcd3({ hosts: etcd.endpoint });
  });

  after(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    admin?.close();
    await etcd?.stop();
  });

  /** Each test its own service, so tests never see each other's providers. */
  function service(): string {
    return `com.example.Orders${++serviceCounter}`;
  }

  async function startedSource(name: string): Promise<EtcdSource> {
    const source = new EtcdSource({ hosts: etcd.endpoint, service: name });
    closers.push(() => source.close());
    await source.start();
    return source;
  }

  function registration(name: string, port: number, ttlSeconds = 5): EtcdRegistration {
    const created = new EtcdRegistration({ hosts: etcd.endpoint, service: name, endpoint: { host: '127.0.0.1', port, weight: 3, metadata: { zone: 'a' } }, ttlSeconds });
    closers.push(() => created.deregister());
    return created;
  }

  test('a registered provider is listed with its weight and metadata; deregistering removes it at once', async () => {
    const name = service();
    const first = registration(name, 20001);
    await first.register();
    assert.equal(first.key, `/rocket-rpc/services/${name}/providers/127.0.0.1:20001`);
    const source = await startedSource(name);
    assert.equal(addrs(source.current()), '127.0.0.1:20001');
    assert.equal(source.current().instances[0]?.weight, 3);
    assert.deepEqual(source.current().instances[0]?.metadata, { zone: 'a' });

    const second = registration(name, 20002);
    await second.register();
    await waitForSet(source, (set) => set.instances.length === 2);
    await first.deregister();
    const after = await waitForSet(source, (set) => set.instances.length === 1);
    assert.equal(addrs(after), '127.0.0.1:20002');
    assert.equal(source.lastError(), undefined);
  });

  test('an ApiProvider with an etcd registration is listed while it serves and gone after close()', async () => {
    const name = service();
    const source = await startedSource(name);
    const provider = new ApiProvider({ host: '127.0.0.1', port: 0, registrations: [] });
    const { port } = await provider.start();
    const listed = new ApiProvider({
      server: provider.server,
      registrations: [new EtcdRegistration({ hosts: etcd.endpoint, service: name, endpoint: { host: '127.0.0.1', port } })],
    });
    await listed.start();
    await waitForSet(source, (set) => addrs(set) === `127.0.0.1:${port}`);
    await listed.close();
    await waitForSet(source, (set) => set.instances.length === 0);
    await provider.close();
  });

  test('a prefix nobody registered under is an empty set, and the first provider is seen by the watch', async () => {
    const name = service();
    const source = await startedSource(name);
    assert.equal(source.current().version, 1);
    assert.equal(source.current().instances.length, 0);
    await registration(name, 20011).register();
    await waitForSet(source, (set) => addrs(set) === '127.0.0.1:20011');
  });

  test('a crashed provider (kill -9) disappears when its lease expires', async () => {
    const name = service();
    const source = await startedSource(name);
    const provider = ChildProvider.node('register-provider.js', ['etcd', etcd.endpoint, name, '127.0.0.1:20021', '2']);
    closers.push(() => provider.crash());
    await provider.waitFor('registered');
    await waitForSet(source, (set) => addrs(set) === '127.0.0.1:20021');
    await provider.crash();
    // No keep-alive any more: etcd deletes the key after the 2 s TTL and the watch reports it.
    await waitForSet(source, (set) => set.instances.length === 0);
  });

  test('a provider stopped gracefully (SIGTERM) revokes its lease and is removed at once', async () => {
    const name = service();
    const source = await startedSource(name);
    const provider = ChildProvider.node('register-provider.js', ['etcd', etcd.endpoint, name, '127.0.0.1:20031', '60']);
    closers.push(() => provider.crash());
    await provider.waitFor('registered');
    await waitForSet(source, (set) => set.instances.length === 1);
    await provider.terminate();
    // With a 60 s TTL only the revoke can remove it within the wait's deadline.
    await waitForSet(source, (set) => set.instances.length === 0, 10_000);
  });

  test('a lease lost while running (revoked behind the provider’s back) is replaced: the provider is listed again', async () => {
    const name = service();
    const provider = registration(name, 20061, 3);
    const errors: string[] = [];
    provider.onError((error) => errors.push(error.message));
    await provider.register();
    const source = await startedSource(name);
    const [entry] = (await admin.get(provider.key).exec()).kvs;
    assert.ok(entry !== undefined);
    await admin.leaseClient.leaseRevoke({ ID: entry.lease });
    await waitForSet(source, (set) => set.instances.length === 0);
    // The next keep-alive learns the lease is gone; a new lease and key follow.
    await waitForSet(source, (set) => addrs(set) === '127.0.0.1:20061');
    assert.ok(errors.some((message) => /lease lost/.test(message)), errors.join('\n'));
    // The watch can report the new key before the registration's own put has resolved.
    await waitUntil(() => provider.registered);
    const [again] = (await admin.get(provider.key).exec()).kvs;
    assert.notEqual(again?.lease, entry.lease);
  });

  test('a watch that comes back after its history was compacted lists again: changes made meanwhile are not lost', async () => {
    const name = service();
    const prefix = etcdProvidersPrefix(name);
    const record = (port: number): string => JSON.stringify({ host: '127.0.0.1', port, registeredAt: new Date().toISOString() });
    await admin.put(`${prefix}127.0.0.1:20071`).value(record(20071));
    // The source reaches etcd through a proxy this test can cut, the admin client directly.
    const proxy = await new TcpProxy(Number(new URL(etcd.endpoint).port)).start();
    closers.push(() => proxy.stop());
    const source = new EtcdSource({ hosts: `http://${proxy.address}`, service: name, retryMs: 100 });
    closers.push(() => source.close());
    const errors: string[] = [];
    source.onError((error) => errors.push(error.message));
    await source.start();
    assert.equal(addrs(source.current()), '127.0.0.1:20071');

    proxy.cut();
    await waitForError(source, (error) => error.reason === 'UNREACHABLE');
    // While the source cannot see it: one provider leaves, another joins, and the history of both
    // changes is compacted away, so the watch cannot resume from where it stopped.
    await admin.delete().key(`${prefix}127.0.0.1:20071`).exec();
    const put = await admin.put(`${prefix}127.0.0.1:20072`).value(record(20072)).exec();
    const kv = (admin as unknown as { kv: { compact(request: { revision: string; physical: boolean }): Promise<unknown> } }).kv;
    await kv.compact({ revision: put.header.revision, physical: true });
    proxy.restore();

    await waitForSet(source, (set) => addrs(set) === '127.0.0.1:20072', 20_000);
    // etcd cancels a watch whose start revision was compacted; the source said so and listed again.
    assert.ok(errors.some((message) => /watch failed/.test(message)), errors.join('\n'));
  });

  test('a value that is not a provider record is reported as MALFORMED and not listed', async () => {
    const name = service();
    const prefix = etcdProvidersPrefix(name);
    await admin.put(`${prefix}127.0.0.1:20041`).value('{"host":"127.0.0.1","port":20041}');
    const source = await startedSource(name);
    const reported = waitForError(source, (error) => error.reason === 'MALFORMED');
    await admin.put(`${prefix}127.0.0.1:20042`).value('not json');
    assert.match((await reported).message, /not JSON/);
    assert.equal(addrs(source.current()), '127.0.0.1:20041');
  });

  test('a missing etcd3 client option is rejected at start, not at the first change', async () => {
    const source = new EtcdSource({ service: 'x' });
    await assert.rejects(source.start(), (error: unknown) => (error as DiscoveryError).code === 'INVALID_ARGUMENT');
    await source.close();
  });
});

describe('etcd outage', { skip }, () => {
  test('when etcd goes away the source keeps its providers and reports UNREACHABLE', async () => {
    const etcd = await new EtcdServer().start();
    const registration = new EtcdRegistration({ hosts: etcd.endpoint, service: 'Outage', endpoint: { host: '127.0.0.1', port: 20051 }, ttlSeconds: 30 });
    const source = new EtcdSource({ hosts: etcd.endpoint, service: 'Outage' });
    try {
      await registration.register();
      await source.start();
      assert.equal(addrs(source.current()), '127.0.0.1:20051');
      const before = source.current();
      const reported = waitForError(source, (error) => error.reason === 'UNREACHABLE');
      await etcd.stop();
      const error = await reported;
      assert.equal(error.kept, 1);
      assert.equal(source.current(), before);
    } finally {
      await source.close();
      await registration.deregister();
      await etcd.stop();
    }
  });
});
