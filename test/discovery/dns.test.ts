import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { DnsSource, refreshDelay, type DnsSourceOptions } from '../../src/discovery/dns.js';
import { RemotingError } from '../../src/errors.js';
import { TestDnsServer } from '../support/dns-server.js';
import { addrs, waitForError, waitForSet, waitUntil } from '../support/discovery-wait.js';

describe('DNS source against a DNS server in the test process', () => {
  let server: TestDnsServer;
  const sources: DnsSource[] = [];

  beforeEach(async () => {
    server = new TestDnsServer();
    await server.start();
  });

  afterEach(async () => {
    await Promise.all(sources.splice(0).map((source) => source.close()));
    await server.stop();
  });

  function source(options: Partial<DnsSourceOptions> & Pick<DnsSourceOptions, 'hostname'>): DnsSource {
    // Names under .test exist only on the test server: resolving them proves the configured server
    // is the one asked (dns.lookup would go to the system resolver and fail).
    const created = new DnsSource({ servers: [server.address], timeoutMs: 300, tries: 1, minRefreshMs: 3_600_000, maxRefreshMs: 3_600_000, ...options });
    sources.push(created);
    return created;
  }

  test('A records become instances on the configured port', async () => {
    server.zones.set('orders.rocket.test', { A: [{ address: '10.20.0.2', ttl: 30 }, { address: '10.20.0.1', ttl: 30 }] });
    const dns = source({ hostname: 'orders.rocket.test', port: 20880 });
    await dns.start();
    assert.equal(addrs(dns.current()), '10.20.0.1:20880,10.20.0.2:20880');
    assert.equal(dns.name, 'dns:orders.rocket.test');
    assert.equal(dns.lastError(), undefined);
  });

  test('AAAA and A+AAAA, where a name with one family only is fine', async () => {
    server.zones.set('v6.rocket.test', { AAAA: [{ address: 'fd00::1', ttl: 30 }] });
    server.zones.set('dual.rocket.test', { A: [{ address: '10.21.0.1', ttl: 30 }], AAAA: [{ address: 'fd00::2', ttl: 30 }] });
    const v6 = source({ hostname: 'v6.rocket.test', type: 'AAAA', port: 7 });
    const dual = source({ hostname: 'dual.rocket.test', type: 'A+AAAA', port: 7 });
    const v6Both = source({ hostname: 'v6.rocket.test', type: 'A+AAAA', port: 7 });
    await Promise.all([v6.start(), dual.start(), v6Both.start()]);
    assert.equal(addrs(v6.current()), '[fd00::1]:7');
    assert.equal(addrs(dual.current()), '10.21.0.1:7,[fd00::2]:7');
    assert.equal(addrs(v6Both.current()), '[fd00::1]:7');
  });

  test('SRV records give each target’s addresses with the record’s port and weight', async () => {
    server.zones.set('_rpc._tcp.orders.rocket.test', {
      SRV: [
        { priority: 0, weight: 50, port: 20880, target: 'pod-a.orders.rocket.test', ttl: 30 },
        { priority: 0, weight: 50, port: 20881, target: 'pod-b.orders.rocket.test', ttl: 30 },
        { priority: 1, weight: 0, port: 20882, target: 'pod-c.orders.rocket.test', ttl: 30 },
      ],
    });
    server.zones.set('pod-a.orders.rocket.test', { A: [{ address: '10.22.0.1', ttl: 30 }] });
    server.zones.set('pod-b.orders.rocket.test', { A: [{ address: '10.22.0.2', ttl: 30 }] });
    server.zones.set('pod-c.orders.rocket.test', { AAAA: [{ address: 'fd00::3', ttl: 30 }] });
    const dns = source({ hostname: '_rpc._tcp.orders.rocket.test' });
    await dns.start();
    const set = dns.current();
    assert.equal(addrs(set), '10.22.0.1:20880,10.22.0.2:20881,[fd00::3]:20882');
    assert.equal(set.instances[0]?.weight, 50);
    assert.equal(set.instances[2]?.weight, undefined, 'SRV weight 0 means default weight');
    assert.deepEqual(set.instances[0]?.metadata, { target: 'pod-a.orders.rocket.test', priority: '0', srvWeight: '50' });
    assert.equal(dns.name, 'dns:srv:_rpc._tcp.orders.rocket.test');
  });

  test('re-resolves when the TTL runs out and publishes the new records', async () => {
    server.zones.set('scale.rocket.test', { A: [{ address: '10.23.0.1', ttl: 0 }] });
    const dns = source({ hostname: 'scale.rocket.test', port: 1, minRefreshMs: 20, maxRefreshMs: 3_600_000 });
    await dns.start();
    assert.equal(addrs(dns.current()), '10.23.0.1:1');
    server.zones.set('scale.rocket.test', { A: [{ address: '10.23.0.1', ttl: 0 }, { address: '10.23.0.2', ttl: 0 }] });
    const grown = await waitForSet(dns, (set) => set.instances.length === 2);
    assert.equal(addrs(grown), '10.23.0.1:1,10.23.0.2:1');
  });

  test('a long TTL is cut to the ceiling, so changes are still seen', async () => {
    server.zones.set('sticky.rocket.test', { A: [{ address: '10.24.0.1', ttl: 86_400 }] });
    const dns = source({ hostname: 'sticky.rocket.test', port: 1, minRefreshMs: 10, maxRefreshMs: 30 });
    await dns.start();
    server.zones.set('sticky.rocket.test', { A: [{ address: '10.24.0.9', ttl: 86_400 }] });
    await waitForSet(dns, (set) => addrs(set) === '10.24.0.9:1');
  });

  for (const [label, breakIt, reason] of [
    ['SERVFAIL', (s: TestDnsServer) => (s.behaviour = 'servfail'), 'UNREACHABLE'],
    ['a name that stopped existing (NXDOMAIN)', (s: TestDnsServer) => s.zones.clear(), 'NOT_FOUND'],
    ['a name with no records left', (s: TestDnsServer) => s.zones.set('keep.rocket.test', { AAAA: [{ address: 'fd00::9', ttl: 1 }] }), 'NOT_FOUND'],
    ['a server that does not answer', (s: TestDnsServer) => (s.behaviour = 'drop'), 'TIMEOUT'],
  ] as const) {
    test(`${label} keeps the last good set and reports ${reason}`, async () => {
      server.zones.set('keep.rocket.test', { A: [{ address: '10.25.0.1', ttl: 30 }] });
      const dns = source({ hostname: 'keep.rocket.test', port: 1 });
      await dns.start();
      const before = dns.current();
      breakIt(server);
      const reported = waitForError(dns);
      await dns.refresh();
      const error = await reported;
      assert.equal(error.code, 'DISCOVERY');
      assert.equal(error.reason, reason);
      assert.equal(error.kept, 1);
      assert.equal(dns.current(), before);
      server.behaviour = 'answer';
      server.zones.set('keep.rocket.test', { A: [{ address: '10.25.0.2', ttl: 30 }] });
      await dns.refresh();
      assert.equal(addrs(dns.current()), '10.25.0.2:1');
      assert.equal(dns.lastError(), undefined);
    });
  }

  test('an SRV target that cannot be resolved fails the round instead of shrinking the set', async () => {
    server.zones.set('_rpc._tcp.partial.rocket.test', { SRV: [{ priority: 0, weight: 1, port: 5, target: 'a.partial.rocket.test', ttl: 30 }, { priority: 0, weight: 1, port: 5, target: 'b.partial.rocket.test', ttl: 30 }] });
    server.zones.set('a.partial.rocket.test', { A: [{ address: '10.26.0.1', ttl: 30 }] });
    server.zones.set('b.partial.rocket.test', { A: [{ address: '10.26.0.2', ttl: 30 }] });
    const dns = source({ hostname: '_rpc._tcp.partial.rocket.test' });
    await dns.start();
    server.behaviour = 'answer';
    server.zones.set('b.partial.rocket.test', {});
    const reported = waitForError(dns);
    await dns.refresh();
    assert.equal((await reported).reason, 'NOT_FOUND');
    assert.equal(dns.current().instances.length, 2);
  });

  test('close cancels a query in flight and stops refreshing', async () => {
    server.behaviour = 'drop';
    const dns = new DnsSource({ hostname: 'slow.rocket.test', port: 1, servers: [server.address], timeoutMs: 60_000, tries: 1 });
    const started = dns.start();
    await waitUntil(() => server.queries > 0);
    await dns.close();
    await started;
    assert.equal(dns.lastError(), undefined, 'cancelling is not reported as a failure');
  });
});

test('refresh delay follows the TTL between the floor and the ceiling', () => {
  assert.equal(refreshDelay(30, 1_000, 60_000), 30_000);
  assert.equal(refreshDelay(0, 1_000, 60_000), 1_000);
  assert.equal(refreshDelay(86_400, 1_000, 60_000), 60_000);
  assert.equal(refreshDelay(undefined, 1_000, 60_000), 60_000, 'unknown TTL: the ceiling');
  const low = refreshDelay(10, 1_000, 60_000, 0.1, () => 0);
  const high = refreshDelay(10, 1_000, 60_000, 0.1, () => 0.999999);
  assert.ok(low >= 9_000 && low < 10_000 && high > 10_000 && high <= 11_000, `${low} ${high}`);
});

test('A and AAAA sources need a port', () => {
  assert.throws(() => new DnsSource({ hostname: 'x.test' }), (error: unknown) => error instanceof RemotingError && error.code === 'INVALID_ARGUMENT');
  assert.doesNotThrow(() => new DnsSource({ hostname: '_x._tcp.test' }));
});
