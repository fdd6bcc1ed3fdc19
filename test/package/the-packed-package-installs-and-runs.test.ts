import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, type ExecFileOptions } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApiProvider } from '../../src/index.js';
import { ServiceHello } from '../../examples/service-hello/contract.js';
import { serviceHelloImpl } from '../../examples/service-hello/provider.js';
import { repoRoot } from '../support/repo-root.js';

/*
 * The package as a user gets it: `npm pack` (of the dist/ that `npm test` has just built; scripts
 * off, so no second build), the tarball installed into an empty folder together with the optional
 * peers etcd3 and node-zookeeper-client (from npm's cache when `npm ci` filled it), then the bin and
 * the three entry points used from there.
 */

interface Packed {
  filename: string;
  files: Array<{ path: string; size: number }>;
}

/** npm's settings about where packages come from are kept; the rest (prefix, lifecycle…) describe the repository's own run. */
const KEPT_NPM_ENV = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_cafile']);

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if ((/^npm_/i.test(key) && !KEPT_NPM_ENV.has(key.toLowerCase())) || key === 'INIT_CWD' || key === 'NODE_DEBUG') continue;
    env[key] = value;
  }
  return env;
}

function exec(command: string, args: string[], options: ExecFileOptions): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: cleanEnv(), maxBuffer: 16 * 1024 * 1024, timeout: 120_000, ...options }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${String(stderr)}`, { cause: error }));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Every file under `dir`, relative to it, with '/' separators. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

/** The module sources, as the `.js` paths tsc writes for them under dist/. */
const sourceModules = filesUnder(path.join(repoRoot, 'src'))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => file.replace(/\.ts$/, '.js'));

let skipReason: string | undefined;
let work = '';
let install = '';
let packed: Packed;

function skipped(t: TestContext): boolean {
  if (skipReason === undefined) return false;
  t.skip(skipReason);
  return true;
}

before(async () => {
  try {
    await exec('npm', ['--version'], { cwd: repoRoot });
  } catch (error) {
    skipReason = `npm is not available here, so the package cannot be packed and installed (${(error as Error).message.split('\n')[0]})`;
    return;
  }
  // The tarball is packed from dist/ as it is: it must be the build of the current sources.
  const dist = path.join(repoRoot, 'dist');
  for (const module of sourceModules) {
    const built = path.join(dist, module);
    let stale: boolean;
    try {
      stale = statSync(built).mtimeMs < statSync(path.join(repoRoot, 'src', module.replace(/\.js$/, '.ts'))).mtimeMs;
    } catch {
      stale = true;
    }
    if (stale) throw new Error(`dist/${module} is missing or older than its source: run 'npm run build' first ('npm test' does)`);
  }

  work = await mkdtemp(path.join(os.tmpdir(), 'rocket-rpc-package-'));
  const { stdout } = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: repoRoot });
  packed = (JSON.parse(stdout) as Packed[])[0]!;

  install = path.join(work, 'app');
  await mkdir(install);
  await writeFile(path.join(install, 'package.json'), JSON.stringify({ name: 'rocket-rpc-install-check', private: true, type: 'module' }));
  // The peers in the versions the repository's own install has, so npm's cache answers.
  const peers = ['etcd3', 'node-zookeeper-client'].map((name) => {
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
    return `${name}@${version}`;
  });
  await exec(
    'npm',
    ['install', path.join(work, packed.filename), ...peers, '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--loglevel=error'],
    { cwd: install },
  );
});

after(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

test('the tarball holds dist/ (the build of every source module, nothing else), README.md, LICENSE and package.json', (t) => {
  if (skipped(t)) return;
  const paths = packed.files.map((file) => file.path).sort();
  const unexpected = paths.filter((file) => !/^(LICENSE|README\.md|package\.json|dist\/.+\.(js|d\.ts))$/.test(file));
  assert.deepEqual(unexpected, [], 'only dist/ code and types, README.md, LICENSE and package.json');
  const builtModules = paths.filter((file) => file.endsWith('.js')).map((file) => file.slice('dist/'.length));
  assert.deepEqual(builtModules, [...sourceModules].sort(), 'one dist/ module per source module: none missing, none left over');
  assert.deepEqual(paths.filter((file) => !file.startsWith('dist/')), ['LICENSE', 'README.md', 'package.json']);
  const license = packed.files.find((file) => file.path === 'LICENSE')!;
  assert.equal(license.size, statSync(path.join(repoRoot, 'LICENSE')).size);
  assert.match(readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
});

test('npx rocket-rpc demo runs from the installed package', async (t) => {
  if (skipped(t)) return;
  const { stdout } = await exec('npm', ['exec', '--no', '--', 'rocket-rpc', 'demo', '--port', '0'], { cwd: install });
  const lines = stdout.trim().split('\n');
  assert.match(lines[0]!, /^provider: serving ServiceHello and ServiceWorld on 127\.0\.0\.1:\d+$/);
  assert.deepEqual(lines.slice(1), ['hello a b', '1003', 'world aa bb']);
});

test('an ESM script imports rocket-rpc, rocket-rpc/etcd and rocket-rpc/zookeeper, and the integrations load their peers', async (t) => {
  if (skipped(t)) return;
  const script = `import assert from 'node:assert/strict';
import { defineContract, J, method } from 'rocket-rpc';
import { EtcdSource } from 'rocket-rpc/etcd';
import { ZooKeeperSource } from 'rocket-rpc/zookeeper';

const Hello = defineContract('com.acme.Hello', { hi: method([J.long], J.String) });
const out = { signature: Hello.methodsByKey.get('hi').signature, sources: {} };
// Nothing listens on port 1: starting a source loads its peer package and then fails to connect.
// Without the peer the error would be MISSING_DEPENDENCY.
for (const source of [
  new EtcdSource({ hosts: 'http://127.0.0.1:1', service: 'com.acme.Hello', timeoutMs: 500 }),
  new ZooKeeperSource({ connectionString: '127.0.0.1:1', service: 'com.acme.Hello', connectTimeoutMs: 500 }),
]) {
  const reasons = [];
  source.onError((error) => reasons.push(error.reason));
  await source.start();
  await source.close();
  assert.ok(!reasons.includes('MISSING_DEPENDENCY'), source.name);
  out.sources[source.name] = reasons[0];
}
console.log(JSON.stringify(out));
`;
  await writeFile(path.join(install, 'check.mjs'), script);
  const { stdout } = await exec(process.execPath, ['check.mjs'], { cwd: install });
  assert.deepEqual(JSON.parse(stdout), {
    signature: 'public abstract java.lang.String com.acme.Hello.hi(long)',
    sources: {
      'etcd:/rocket-rpc/services/com.acme.Hello/providers/': 'UNREACHABLE',
      'zookeeper:/rocket-rpc/com.acme.Hello/providers': 'TIMEOUT',
    },
  });
});

test('docs/rpc.md’s contracts.js works with the installed package: ls --contract, and call --contract against a provider that cannot list', async (t) => {
  if (skipped(t)) return;
  const docs = readFileSync(path.join(repoRoot, 'docs', 'rpc.md'), 'utf8');
  const example = /```js\n(\/\/ contracts\.js\n[^`]*)```/.exec(docs)?.[1];
  assert.ok(example !== undefined, 'the contracts.js example in docs/rpc.md');
  await writeFile(path.join(install, 'contracts.js'), example);
  const listed = await exec('npm', ['exec', '--no', '--', 'rocket-rpc', 'ls', '--contract', './contracts.js'], { cwd: install });
  const hello = 'com.uext.remote.rf.service.ServiceHello';
  assert.ok(listed.stdout.startsWith(`${hello}\n  String sayHello(String, String)\n    public abstract java.lang.String ${hello}.sayHello(java.lang.String,java.lang.String)\n`), listed.stdout);
  // Without a listing, as a Java provider.
  const provider = new ApiProvider({ host: '127.0.0.1', port: 0, listing: false });
  provider.register(ServiceHello, serviceHelloImpl);
  try {
    const { addr } = await provider.start();
    const called = await exec('npm', ['exec', '--no', '--', 'rocket-rpc', 'call', addr, 'ServiceHello', 'sayHello', '["a","b"]', '--contract', './contracts.js'], { cwd: install });
    assert.equal(called.stdout, '"hello a b"\n');
  } finally {
    await provider.close();
  }
});
