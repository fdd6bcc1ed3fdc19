import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { etcdProvidersPrefix } from '../../src/etcd.js';
import { ApiConsumer } from '../../src/index.js';
import { Ops } from '../fixtures/serve-module.js';
import { EtcdServer } from '../support/etcd-server.js';
import { CliProcess, serveFixture } from '../support/serve-cli.js';
import { ETCD, skipReason } from '../support/server-process.js';

describe('serve --etcd against a real etcd', { skip: skipReason(ETCD) }, () => {
  let etcd: EtcdServer;
  let client: Etcd3;
  const started: CliProcess[] = [];
  const consumers: ApiConsumer[] = [];

  before(async () => {
    etcd = await new EtcdServer().start();
    client = new Etcd3({ hosts: etcd.endpoint });
  });
  after(async () => {
    await Promise.all(consumers.map((consumer) => consumer.close()));
    await Promise.all(started.map((cli) => cli.kill()));
    client.close();
    await etcd.stop();
  });

  test('two workers, one entry for the address; SIGTERM removes it, then the in-flight call finishes', async () => {
    const server = new CliProcess(['serve', serveFixture, '--host', '127.0.0.1', '--port', '0', '--workers', '2', '--etcd', etcd.endpoint, '--advertise', '127.0.0.1']);
    started.push(server);
    const addr = await server.serving();
    const prefix = etcdProvidersPrefix('com.acme.Ops');
    const entries = await client.getAll().prefix(prefix).strings();
    assert.deepEqual(Object.keys(entries), [prefix + addr]);
    assert.deepEqual((JSON.parse(entries[prefix + addr]!) as { host: string; port: number }).port, Number(addr.split(':')[1]));

    const consumer = new ApiConsumer({ target: addr, timeoutMs: 20_000 });
    consumers.push(consumer);
    const call = consumer.proxy(Ops).slow('e', 1500);
    let finished = false;
    void call.then(() => (finished = true));
    await server.line(/^slow started e /);
    server.signal('SIGTERM');
    // Deregistration comes first: the entry is gone while the call is still running.
    const watcher = await client.watch().prefix(prefix).create();
    const deleted = new Promise<void>((resolve) => watcher.on('delete', () => resolve()));
    if (Object.keys(await client.getAll().prefix(prefix).strings()).length > 0) await deleted;
    await watcher.cancel();
    assert.equal(finished, false, 'deregistered before the in-flight call ended');
    assert.equal(await call, 'slow done e');
    assert.equal((await server.exited).code, 0);
    assert.deepEqual(await client.getAll().prefix(prefix).strings(), {});
  });
});
