import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthProbeResponder, RemotingServer } from '../../src/index.js';
import { freePort } from '../support/server-process.js';
import { runCliCaptured as cli } from '../support/cli-in-process.js';

let probed: RemotingServer;
let health: HealthProbeResponder;
let plain: RemotingServer;
let probedAddr: string;
let plainAddr: string;

before(async () => {
  probed = new RemotingServer({ host: '127.0.0.1', port: 0 });
  health = new HealthProbeResponder(probed);
  probedAddr = (await probed.start()).addr;
  // Like a Java provider: no processor for the probe code, so it answers REQUEST_CODE_NOT_SUPPORTED.
  plain = new RemotingServer({ host: '127.0.0.1', port: 0 });
  plainAddr = (await plain.start()).addr;
});
after(async () => {
  await probed.close({ graceMs: 0 });
  await plain.close({ graceMs: 0 });
});

test('ping prints one line per probe and a min/avg/max summary; exit 0 when answered', async () => {
  const { code, out } = await cli('ping', probedAddr, '-c', '3', '-i', '10');
  assert.equal(code, 0);
  const lines = out.trim().split('\n');
  assert.equal(lines[0], `PING ${probedAddr} (health probe, request code 9000)`);
  for (let seq = 1; seq <= 3; seq++) assert.match(lines[seq]!, new RegExp(`^reply from ${probedAddr}: seq=${seq} SUCCESS time=[\\d.]+ ms$`));
  assert.equal(lines[4], `--- ${probedAddr} ping statistics ---`);
  assert.equal(lines[5], '3 probes sent, 3 answered, 3 healthy, 0% lost');
  const rtt = /^round-trip min\/avg\/max = ([\d.]+)\/([\d.]+)\/([\d.]+) ms$/.exec(lines[6]!);
  assert.ok(rtt !== null, lines[6]);
  const [min, avg, max] = rtt.slice(1).map(Number) as [number, number, number];
  assert.ok(min <= avg && avg <= max);
});

test('a server without the probe responder answers REQUEST_CODE_NOT_SUPPORTED, which counts as healthy', async () => {
  const { code, out } = await cli('ping', plainAddr, '-c', '1');
  assert.equal(code, 0);
  assert.match(out, /seq=1 REQUEST_CODE_NOT_SUPPORTED \(no probe responder: healthy\)/);
});

test('a draining provider answers SYSTEM_BUSY: unhealthy, exit 1', async () => {
  health.drain();
  try {
    const { code, out } = await cli('ping', probedAddr, '-c', '2', '-i', '10');
    assert.equal(code, 1);
    assert.match(out, /seq=1 SYSTEM_BUSY \(draining or overloaded: unhealthy\)/);
    assert.match(out, /2 probes sent, 2 answered, 0 healthy, 0% lost/);
  } finally {
    health.resume();
  }
});

test('nothing listening: no reply, 100% lost, exit 1', async () => {
  const addr = `127.0.0.1:${await freePort()}`;
  const { code, out } = await cli('ping', addr, '-c', '2', '-i', '10', '-W', '500');
  assert.equal(code, 1);
  assert.match(out, new RegExp(`no reply from ${addr}: seq=1 CONNECT_FAILED`));
  assert.match(out, /2 probes sent, 0 answered, 0 healthy, 100% lost\n$/);
});

test('ping --json prints one document with every probe', async () => {
  const { code, out } = await cli('ping', probedAddr, '-c', '2', '-i', '10', '--json');
  assert.equal(code, 0);
  const doc = JSON.parse(out) as { addr: string; sent: number; answered: number; healthy: number; probes: Array<{ seq: number; healthy: boolean; code: number; status: string }>; rttMs: { min: number; max: number } };
  assert.equal(doc.addr, probedAddr);
  assert.deepEqual([doc.sent, doc.answered, doc.healthy], [2, 2, 2]);
  assert.deepEqual(doc.probes.map((p) => [p.seq, p.healthy, p.code, p.status]), [[1, true, 0, 'SUCCESS'], [2, true, 0, 'SUCCESS']]);
  assert.ok(doc.rttMs.min <= doc.rttMs.max);
});

test('usage errors exit 2', async () => {
  assert.equal((await cli('ping')).code, 2);
  assert.equal((await cli('ping', 'no-port')).code, 2);
  assert.equal((await cli('ping', probedAddr, '-c', '0')).code, 2);
  assert.equal((await cli('ping', probedAddr, '-i', 'x')).code, 2);
  assert.equal((await cli('ping', probedAddr, '--tls-cert', 'a.pem')).code, 2);
});
