import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DnsSource } from '../../src/discovery/dns.js';
import { DnsmasqServer } from '../support/dnsmasq-server.js';
import { DNSMASQ, skipReason } from '../support/server-process.js';
import { addrs, waitForSet } from '../support/discovery-wait.js';

describe('DNS source against dnsmasq', { skip: skipReason(DNSMASQ) }, () => {
  let dnsmasq: DnsmasqServer;

  before(async () => {
    dnsmasq = await new DnsmasqServer().start('10.30.0.1 orders.rocket.test\n10.30.0.11 pod-a.rocket.test\n10.30.0.12 pod-b.rocket.test\n', [
      '_rpc._tcp.orders.rocket.test,pod-a.rocket.test,20880,0,10',
      '_rpc._tcp.orders.rocket.test,pod-b.rocket.test,20881,0,10',
    ]);
  });

  after(async () => {
    await dnsmasq?.stop();
  });

  test('SRV records and their targets resolve through the configured server', async () => {
    const source = new DnsSource({ hostname: '_rpc._tcp.orders.rocket.test', servers: [dnsmasq.address], timeoutMs: 500, tries: 2 });
    try {
      await source.start();
      assert.equal(addrs(source.current()), '10.30.0.11:20880,10.30.0.12:20881');
      assert.equal(source.current().instances[0]?.weight, 10);
    } finally {
      await source.close();
    }
  });

  test('A records follow the server’s data as it changes (TTL 0: re-resolved at the floor)', async () => {
    const source = new DnsSource({ hostname: 'orders.rocket.test', port: 9000, servers: [dnsmasq.address], minRefreshMs: 20, timeoutMs: 500, tries: 2 });
    try {
      await source.start();
      assert.equal(addrs(source.current()), '10.30.0.1:9000');
      await dnsmasq.setHosts('10.30.0.1 orders.rocket.test\n10.30.0.2 orders.rocket.test\n10.30.0.11 pod-a.rocket.test\n10.30.0.12 pod-b.rocket.test\n');
      await waitForSet(source, (set) => addrs(set) === '10.30.0.1:9000,10.30.0.2:9000');
    } finally {
      await source.close();
    }
  });
});
