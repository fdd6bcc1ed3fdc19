import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRoot, locate } from '../support/server-process.js';
import { ChildProvider } from '../support/child-provider.js';

const IP = { what: 'ip', paths: ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip'] };
const IPTABLES = { what: 'iptables', paths: ['/usr/sbin/iptables', '/sbin/iptables'] };
const skip = !isRoot()
  ? 'needs root: the partition runs in network namespaces with iptables (run npm test as root)'
  : locate(IP) === undefined || locate(IPTABLES) === undefined
    ? 'needs ip (iproute2) and iptables: as root run node scripts/test-servers.mjs ensure'
    : undefined;

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
// Namespace and interface names carry this process's id, so parallel runs never collide.
const tag = (process.pid % 100_000).toString(36);
const consumerNs = `rr-${tag}-c`;
const providerNs = [`rr-${tag}-p1`, `rr-${tag}-p2`];
/** Addresses exist only inside the namespaces this test creates: one /30 per consumer↔provider link. */
const links = [
  { consumerIf: `rr${tag}c1`, providerIf: `rr${tag}p1`, consumerIp: '10.213.1.1', providerIp: '10.213.1.2' },
  { consumerIf: `rr${tag}c2`, providerIf: `rr${tag}p2`, consumerIp: '10.213.2.1', providerIp: '10.213.2.2' },
];
const PORT = 20880;
const children: ChildProvider[] = [];
const created: string[] = [];

function ip(...args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr}`);
}

after(async () => {
  for (const child of children) await child.crash();
  // Deleting a namespace removes its veth ends (and the peers in the other namespace).
  for (const ns of created.reverse()) spawnSync('ip', ['netns', 'del', ns]);
});

test('a partition (iptables DROP in the provider’s namespace): idempotent calls keep succeeding, the provider leaves rotation and returns after healing', { skip }, async (t) => {
  for (const ns of [consumerNs, ...providerNs]) {
    ip('netns', 'add', ns);
    created.push(ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  for (const [i, link] of links.entries()) {
    const ns = providerNs[i] as string;
    ip('link', 'add', link.consumerIf, 'netns', consumerNs, 'type', 'veth', 'peer', 'name', link.providerIf, 'netns', ns);
    ip('-n', consumerNs, 'addr', 'add', `${link.consumerIp}/30`, 'dev', link.consumerIf);
    ip('-n', ns, 'addr', 'add', `${link.providerIp}/30`, 'dev', link.providerIf);
    ip('-n', consumerNs, 'link', 'set', link.consumerIf, 'up');
    ip('-n', ns, 'link', 'set', link.providerIf, 'up');
  }
  for (const [i, ns] of providerNs.entries()) {
    // `ip netns exec` runs the provider inside the namespace (it execs, so the PID is node's).
    const child = new ChildProvider('ip', ['netns', 'exec', ns, process.execPath, path.join(fixtures, 'kv-provider-process.js'), `p${i + 1}`, String(PORT), '5', (links[i] as { providerIp: string }).providerIp]);
    children.push(child);
    await child.waitFor('listening');
  }

  const scenario = spawn('ip', ['netns', 'exec', consumerNs, process.execPath, '--enable-source-maps', path.join(fixtures, 'partition-scenario.js'), `${links[0]?.providerIp}:${PORT}`, `${links[1]?.providerIp}:${PORT}`, providerNs[1] as string], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  scenario.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  scenario.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => scenario.once('exit', resolve));
  assert.equal(code, 0, out);
  const report = JSON.parse(out.trim().split('\n').pop() as string) as { calls: number; failed: number; outOfRotationMs: number; readmittedMs: number };
  t.diagnostic(`${report.calls} calls, none failed; out of rotation ${report.outOfRotationMs} ms after the cut, back ${report.readmittedMs} ms after healing`);
  assert.equal(report.failed, 0);
  // Probes alone: 2 failed probes at ≤120 ms intervals, each timing out at 300 ms, plus scheduling slack.
  assert.ok(report.outOfRotationMs <= 2_000, `${report.outOfRotationMs} ms`);
});
