import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { HealthProbeResponder } from '../../src/health/probe.js';
import { RemotingServer } from '../../src/transport/index.js';
import { PlatformServer } from '../support/platform-server.js';
import { TestDnsServer } from '../support/dns-server.js';
import { runCliCaptured } from '../support/cli-in-process.js';

const cli = runCliCaptured;

describe('rocket-rpc discover', () => {
  let provider: RemotingServer;
  let port: number;
  let platform: PlatformServer;
  let dns: TestDnsServer;

  before(async () => {
    provider = new RemotingServer({ host: '127.0.0.1', port: 0 });
    new HealthProbeResponder(provider);
    port = (await provider.start()).port;
    platform = new PlatformServer();
    await platform.start();
    dns = new TestDnsServer();
    await dns.start();
  });

  after(async () => {
    await provider.close({ graceMs: 0 });
    await platform.stop();
    await dns.stop();
  });

  test('prints the platform’s online instances with their health', async () => {
    // 127.0.0.2 is loopback too, but nothing listens there: it must show as unhealthy.
    platform.instances = [
      { dns_ip: '127.0.0.1', state: 'working_online' },
      { dns_ip: '127.0.0.2', state: 'working_online' },
      { dns_ip: '127.0.0.3', state: 'offline' },
    ];
    const { code, out } = await cli('discover', platform.url, '--port', String(port), '--timeout', '1000');
    assert.equal(code, 0);
    const lines = out.trim().split('\n');
    assert.match(lines[0] as string, /: 2 instances, 1 healthy$/);
    assert.match(lines[1] as string, /^ADDRESS\s+HEALTH/);
    assert.match(out, new RegExp(`127\\.0\\.0\\.1:${port}\\s+healthy\\s+SUCCESS`));
    assert.match(out, new RegExp(`127\\.0\\.0\\.2:${port}\\s+unhealthy\\s+CONNECT_FAILED`));
    assert.doesNotMatch(out, /127\.0\.0\.3/);
  });

  test('--json, a static list, and --no-probe', async () => {
    const { code, out } = await cli('discover', `static:127.0.0.1:${port},10.255.255.1:1`, '--json', '--no-probe');
    assert.equal(code, 0);
    const doc = JSON.parse(out) as { source: string; instances: { addr: string; health: string }[] };
    assert.deepEqual(doc.instances.map((row) => [row.addr, row.health]), [[`10.255.255.1:1`, 'not probed'], [`127.0.0.1:${port}`, 'not probed']]);
  });

  test('DNS SRV through a given server', async () => {
    dns.zones.set('_rpc._tcp.cli.rocket.test', { SRV: [{ priority: 0, weight: 5, port, target: 'node.cli.rocket.test', ttl: 30 }] });
    dns.zones.set('node.cli.rocket.test', { A: [{ address: '127.0.0.1', ttl: 30 }] });
    const { code, out } = await cli('discover', 'dns:_rpc._tcp.cli.rocket.test', '--server', dns.address, '--json');
    assert.equal(code, 0);
    const doc = JSON.parse(out) as { instances: { addr: string; health: string; weight: number; metadata: Record<string, string> }[] };
    assert.equal(doc.instances[0]?.addr, `127.0.0.1:${port}`);
    assert.equal(doc.instances[0]?.health, 'healthy');
    assert.equal(doc.instances[0]?.weight, 5);
    assert.equal(doc.instances[0]?.metadata.target, 'node.cli.rocket.test');
  });

  test('a source that fails with nothing known exits 1 with the typed reason; usage errors exit 2', async () => {
    platform.behaviour = { kind: 'status', status: 503 };
    const failed = await cli('discover', platform.url, '--port', '1');
    platform.behaviour = { kind: 'list' };
    assert.equal(failed.code, 1);
    assert.match(failed.err, /\[HTTP_STATUS\].*503/);
    assert.equal((await cli('discover')).code, 2);
    assert.equal((await cli('discover', platform.url)).code, 2, 'http needs --port');
    assert.equal((await cli('discover', 'gopher://x')).code, 2);
  });
});
