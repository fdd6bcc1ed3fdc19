import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zookeeper from 'node-zookeeper-client';
import { ZooKeeperSource, ZooKeeperRegistration, zookeeperProvidersPath } from '../../src/zookeeper.js';
import { ZooKeeperServer } from '../support/zookeeper-server.js';
import { JAVA, skipReason, ZOOKEEPER } from '../support/server-process.js';
import { ChildProvider } from '../support/child-provider.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { addrs, waitForError, waitForSet, waitUntil } from '../support/discovery-wait.js';

const skip = skipReason(JAVA, ZOOKEEPER);

/** Session timeout for the tests: the server (tick 200 ms) accepts 400 ms – 4 s. */
const SESSION_MS = 1_000;

describe('ZooKeeper discovery and registration against a real ZooKeeper', { skip }, () => {
  let server: ZooKeeperServer;
  let serviceCounter = 0;
  const closers: (() => Promise<unknown>)[] = [];

  before(async () => {
    server = await new ZooKeeperServer().start();
  });

  after(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await server?.stop();
  });

  function service(): string {
    return `com.example.Inventory${++serviceCounter}`;
  }

  async function startedSource(name: string): Promise<ZooKeeperSource> {
    const source = new ZooKeeperSource({ connectionString: server.connectionString, service: name, sessionTimeoutMs: SESSION_MS });
    closers.push(() => source.close());
    await source.start();
    return source;
  }

  function registration(name: string, port: number): ZooKeeperRegistration {
    const created = new ZooKeeperRegistration({
      connectionString: server.connectionString,
      service: name,
      endpoint: { host: '127.0.0.1', port, weight: 2, metadata: { version: '1.4' } },
      sessionTimeoutMs: SESSION_MS,
    });
    closers.push(() => created.deregister());
    return created;
  }

  test('a registered provider is an ephemeral node in the Dubbo-like layout, listed with its record', async () => {
    const name = service();
    const provider = registration(name, 21001);
    await provider.register();
    assert.equal(provider.key, `/rocket-rpc/${name}/providers/127.0.0.1%3A21001`);
    assert.equal(provider.key, `${zookeeperProvidersPath(name)}/${encodeURIComponent('127.0.0.1:21001')}`);
    const source = await startedSource(name);
    const set = source.current();
    assert.equal(addrs(set), '127.0.0.1:21001');
    assert.equal(set.instances[0]?.weight, 2);
    assert.deepEqual(set.instances[0]?.metadata, { version: '1.4' });
  });

  test('the child watch is re-armed: every join and leave is seen, not only the first', async () => {
    const name = service();
    const source = await startedSource(name);
    assert.equal(source.current().instances.length, 0, 'no providers node yet: empty');
    const providers = [registration(name, 21011), registration(name, 21012), registration(name, 21013)];
    for (const [index, provider] of providers.entries()) {
      await provider.register();
      await waitForSet(source, (set) => set.instances.length === index + 1);
    }
    await providers[1]?.deregister();
    await waitForSet(source, (set) => addrs(set) === '127.0.0.1:21011,127.0.0.1:21013');
    await providers[0]?.deregister();
    await waitForSet(source, (set) => addrs(set) === '127.0.0.1:21013');
  });

  test('a crashed provider (kill -9) disappears when its session expires', async () => {
    const name = service();
    const source = await startedSource(name);
    const provider = ChildProvider.node('register-provider.js', ['zookeeper', server.connectionString, name, '127.0.0.1:21021', String(SESSION_MS)]);
    closers.push(() => provider.crash());
    await provider.waitFor('registered');
    await waitForSet(source, (set) => addrs(set) === '127.0.0.1:21021');
    await provider.crash();
    await waitForSet(source, (set) => set.instances.length === 0);
  });

  test('a provider stopped gracefully (SIGTERM) removes its node at once', async () => {
    const name = service();
    const source = await startedSource(name);
    const provider = ChildProvider.node('register-provider.js', ['zookeeper', server.connectionString, name, '127.0.0.1:21031', '4000']);
    closers.push(() => provider.crash());
    await provider.waitFor('registered');
    await waitForSet(source, (set) => set.instances.length === 1);
    await provider.terminate();
    await waitForSet(source, (set) => set.instances.length === 0);
  });

  test('a node left by a previous session of the same address is replaced, not an error', async () => {
    const name = service();
    const path = `${zookeeperProvidersPath(name)}/${encodeURIComponent('127.0.0.1:21041')}`;
    const other = zookeeper.createClient(server.connectionString, { sessionTimeout: 4_000 });
    closers.push(async () => other.close());
    other.connect();
    await new Promise<void>((resolve) => other.once('connected', () => resolve()));
    await new Promise<void>((resolve, reject) => other.mkdirp(zookeeperProvidersPath(name), (error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve, reject) =>
      other.create(path, Buffer.from('{"host":"127.0.0.1","port":21041}'), zookeeper.CreateMode.EPHEMERAL, (error) => (error ? reject(error) : resolve())),
    );
    const provider = registration(name, 21041);
    await provider.register();
    other.close();
    // Had the old node stayed, closing its session would have removed the provider.
    const source = await startedSource(name);
    assert.equal(addrs(source.current()), '127.0.0.1:21041');
    assert.equal(source.current().instances[0]?.weight, 2, 'the node now carries this registration’s record');
  });
});

describe('ZooKeeper session expiry', { skip }, () => {
  test('a partition longer than the session: the consumer keeps its list, then both sides recover on new sessions', async () => {
    const server = await new ZooKeeperServer().start();
    // The provider and the consumer reach ZooKeeper through a proxy the test can cut; the observer
    // is connected directly and sees what the server sees.
    const proxy = await new TcpProxy(Number(server.connectionString.split(':')[1])).start();
    const registration = new ZooKeeperRegistration({ connectionString: proxy.address, service: 'Expiry', endpoint: { host: '127.0.0.1', port: 21051 }, sessionTimeoutMs: SESSION_MS });
    // The consumer's session is shorter than the provider's: once the provider's has expired (the
    // observer sees its node go), the consumer's has certainly expired too.
    const source = new ZooKeeperSource({ connectionString: proxy.address, service: 'Expiry', sessionTimeoutMs: 600 });
    const observer = new ZooKeeperSource({ connectionString: server.connectionString, service: 'Expiry', sessionTimeoutMs: SESSION_MS });
    const registrationErrors: string[] = [];
    registration.onError((error) => registrationErrors.push(error.message));
    try {
      await registration.register();
      await Promise.all([source.start(), observer.start()]);
      assert.equal(addrs(source.current()), '127.0.0.1:21051');
      await waitForSet(observer, (set) => set.instances.length === 1);
      const before = source.current();
      const disconnected = waitForError(source, (error) => error.reason === 'UNREACHABLE');
      proxy.cut();
      assert.equal((await disconnected).kept, 1);
      // The server expires the provider's session and deletes its node...
      await waitForSet(observer, (set) => set.instances.length === 0);
      // ...while the cut-off consumer still serves what it knew: a partition never empties it.
      assert.equal(source.current(), before);

      const expired = waitForError(source, (error) => /session expired/.test(error.message));
      proxy.restore();
      await expired;
      // The provider registers again on a new session, and the consumer, on its own new session,
      // lists it and follows it: it sees the provider leave.
      await waitForSet(observer, (set) => addrs(set) === '127.0.0.1:21051');
      assert.ok(registrationErrors.some((message) => /session expired/.test(message)), registrationErrors.join('\n'));
      // The observer's watch can fire before the registration's own create has been answered.
      await waitUntil(() => registration.registered);
      await waitForSet(source, (set) => addrs(set) === '127.0.0.1:21051');
      await registration.deregister();
      await waitForSet(source, (set) => set.instances.length === 0);
    } finally {
      await Promise.all([source.close(), observer.close(), registration.deregister()]);
      await proxy.stop();
      await server.stop();
    }
  });
});
