import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiConsumer, ApiProvider, checkServeModule, RemotingClient, ServeError, serveProvider, type RunningProvider } from '../../src/index.js';
import { probeOnce } from '../../src/health/probe.js';
import { ServiceHello } from '../../examples/service-hello/contract.js';
import setup from '../../examples/serve/setup-function.js';
import helloModule from '../../examples/serve/hello-module.js';
import { zookeeperProvidersPath } from '../../src/zookeeper.js';
import { ZooKeeperServer } from '../support/zookeeper-server.js';
import { JAVA, skipReason, ZOOKEEPER } from '../support/server-process.js';

const running: RunningProvider[] = [];
const clients: Array<{ close(): Promise<void> }> = [];
after(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(running.map((provider) => provider.close()));
});

test('serveProvider runs a setup function in this process; close() drains probes, closes, runs the clean-up once', async () => {
  const lines: string[] = [];
  const served = await serveProvider({
    host: '127.0.0.1',
    port: 0,
    module: (provider: ApiProvider) => {
      const cleanup = setup(provider);
      return () => {
        lines.push('closed');
        cleanup();
      };
    },
  });
  running.push(served);
  assert.deepEqual(served.services, [ServiceHello.serviceName]);
  const consumer = new ApiConsumer({ target: served.addr });
  clients.push(consumer);
  assert.equal(await consumer.proxy(ServiceHello).sayHello('x', 'y'), 'hello x y');
  const client = new RemotingClient();
  clients.push(client);
  assert.equal((await probeOnce(client, served.addr, 1000)).code, 0);
  await Promise.all([served.close(), served.close()]);
  assert.deepEqual(lines, ['closed']);
  assert.equal((await probeOnce(client, served.addr, 1000)).healthy, false);
});

test('checkServeModule accepts both shapes and names what is wrong with others', () => {
  assert.equal(checkServeModule(helloModule, 'm'), helloModule);
  assert.equal(checkServeModule(setup, 'm'), setup);
  for (const [value, message] of [
    [undefined, /m: no default export/],
    [42, /m: default export is number/],
    [{ services: [{ contract: {}, implementation: {} }] }, /m: services\[0\] needs a contract/],
    [{ services: [], close: 'x' }, /m: close must be a function/],
  ] as const) {
    assert.throws(() => checkServeModule(value, 'm'), (error: ServeError) => error instanceof ServeError && error.code === 'SERVE' && error.reason === 'BAD_MODULE' && message.test(error.message));
  }
});

test('a TLS file that cannot be read fails serving with BAD_CONFIG and leaves nothing listening', async () => {
  await assert.rejects(
    serveProvider({ host: '127.0.0.1', port: 0, module: helloModule, tls: { key: '/nonexistent/key.pem', cert: '/nonexistent/cert.pem' } }),
    (error: ServeError) => error.reason === 'BAD_CONFIG' && /cannot read the TLS key \/nonexistent\/key\.pem/.test(error.message),
  );
});

describe('registration in ZooKeeper', { skip: skipReason(JAVA, ZOOKEEPER) }, () => {
  test('one node per service while serving, removed by close()', async () => {
    const zk = await new ZooKeeperServer().start();
    try {
      const served = await serveProvider({ host: '127.0.0.1', port: 0, module: helloModule, registry: { zookeeper: zk.connectionString, services: [ServiceHello.serviceName] } });
      running.push(served);
      const { createClient } = await import('node-zookeeper-client');
      const client = createClient(zk.connectionString);
      const connected = new Promise<void>((resolve) => client.once('connected', () => resolve()));
      client.connect();
      await connected;
      const children = (path: string): Promise<string[]> =>
        new Promise((resolve, reject) => client.getChildren(path, (error, names) => (error ? reject(error) : resolve(names))));
      const path = zookeeperProvidersPath(ServiceHello.serviceName);
      try {
        assert.deepEqual(await children(path), [encodeURIComponent(served.addr)]);
        await served.close();
        assert.deepEqual(await children(path), []);
      } finally {
        client.close();
      }
    } finally {
      await zk.stop();
    }
  });
});
