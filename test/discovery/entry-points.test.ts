import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../support/repo-root.js';

const built = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Loads `entry` in a fresh process and lists the registry client packages that got loaded. */
function registryModulesLoadedBy(entry: string, thenRun = ''): string[] {
  const script = `
    import { createRequire } from 'node:module';
    const mod = await import(${JSON.stringify(entry)});
    ${thenRun}
    const cache = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify([...new Set(cache.flatMap((file) => (file.match(/node_modules\\/(etcd3|node-zookeeper-client)\\//) ?? []).slice(1)))]));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
}

test('the core entry point never loads a registry client library', () => {
  assert.deepEqual(registryModulesLoadedBy(path.join(built, 'index.js')), []);
});

test('the etcd and ZooKeeper entry points load their client only when a source or registration starts', () => {
  assert.deepEqual(registryModulesLoadedBy(path.join(built, 'etcd.js')), []);
  assert.deepEqual(registryModulesLoadedBy(path.join(built, 'zookeeper.js')), []);
  // Port 1 on loopback refuses at once: the first listing fails, is reported, and start resolves.
  const startEtcd = `const s = new mod.EtcdSource({ service: 's', hosts: '127.0.0.1:1', timeoutMs: 500 }); s.onError(() => undefined); await s.start(); await s.close();`;
  assert.deepEqual(registryModulesLoadedBy(path.join(built, 'etcd.js'), startEtcd), ['etcd3']);
});

test('package.json exports the registry integrations as subpaths', () => {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { exports: Record<string, { default: string }>; peerDependenciesMeta: Record<string, { optional: boolean }> };
  assert.equal(pkg.exports['./etcd']?.default, './dist/etcd.js');
  assert.equal(pkg.exports['./zookeeper']?.default, './dist/zookeeper.js');
  assert.equal(pkg.peerDependenciesMeta.etcd3?.optional, true);
  assert.equal(pkg.peerDependenciesMeta['node-zookeeper-client']?.optional, true);
});
