#!/usr/bin/env node
// The real servers the discovery tests run against (etcd, ZooKeeper, dnsmasq) and the tools the
// partition test uses (iptables inside network namespaces), installed from Debian's packages.
//
//   node scripts/test-servers.mjs ensure   install what is missing (root + apt-get, unless
//                                          ROCKET_RPC_NO_INSTALL is set); never fails when not root
//   node scripts/test-servers.mjs status   print what is there, one line each
//
// The tests look for the same paths (test/support/servers.ts) and skip with a message naming this
// script when a server is missing and could not have been installed (not root, or opted out).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** What a test needs → where Debian 12 puts it → the package that provides it. */
const NEEDS = [
  { what: 'etcd', paths: ['/usr/bin/etcd'], pkg: 'etcd-server' },
  { what: 'zookeeper', paths: ['/usr/share/java/zookeeper.jar'], pkg: 'zookeeper', file: true },
  { what: 'slf4j-simple', paths: ['/usr/share/java/slf4j-simple.jar'], pkg: 'libslf4j-java', file: true },
  { what: 'java', paths: ['/usr/bin/java'], pkg: 'default-jre-headless' },
  { what: 'dnsmasq', paths: ['/usr/sbin/dnsmasq'], pkg: 'dnsmasq-base' },
  { what: 'ip', paths: ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip'], pkg: 'iproute2' },
  { what: 'iptables', paths: ['/usr/sbin/iptables', '/sbin/iptables'], pkg: 'iptables' },
];

function present(need) {
  return need.paths.some((p) => {
    try {
      // Jars are read, programs are run.
      accessSync(p, need.file ? constants.R_OK : constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function status() {
  for (const need of NEEDS) console.log(`${present(need) ? 'found  ' : 'missing'} ${need.what} (${need.paths[0]}, Debian package ${need.pkg})`);
}

function hasAptGet() {
  return spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
}

function ensure() {
  const missing = NEEDS.filter((need) => !present(need));
  if (missing.length === 0) {
    console.log('test servers: all present (etcd, zookeeper, dnsmasq, iptables)');
    return 0;
  }
  const names = missing.map((need) => need.what).join(', ');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (process.env.ROCKET_RPC_NO_INSTALL) {
    console.log(`test servers: missing ${names}; ROCKET_RPC_NO_INSTALL is set, not installing — those tests will skip`);
    return 0;
  }
  if (!isRoot || !hasAptGet()) {
    console.log(`test servers: missing ${names}; not root or no apt-get, not installing — those tests will skip`);
    return 0;
  }
  const packages = [...new Set(missing.map((need) => need.pkg))];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const started = Date.now();
  console.log('test servers: apt-get update');
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (update.status !== 0) {
    console.error(`test servers: apt-get update failed (exit ${update.status ?? update.signal})`);
    return 1;
  }
  console.log(`test servers: apt-get install -y --no-install-recommends ${packages.join(' ')}`);
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  if (install.status !== 0) {
    // As root the real-server tests must run: fail here, with the reason, rather than later.
    console.error(`test servers: apt-get install failed (exit ${install.status ?? install.signal})`);
    return 1;
  }
  const still = NEEDS.filter((need) => !present(need)).map((need) => need.what);
  if (still.length > 0) {
    console.error(`test servers: still missing after install: ${still.join(', ')}`);
    return 1;
  }
  console.log(`test servers: installed ${packages.join(' ')} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

const command = process.argv[2];
if (command === 'ensure') process.exit(ensure());
else if (command === 'status') status();
else {
  console.error('usage: node scripts/test-servers.mjs ensure|status');
  process.exit(2);
}
