import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiConsumer, RemotingError } from '../../src/index.js';
import { ServiceHello } from '../../examples/service-hello/contract.js';
import { Ops } from '../fixtures/serve-module.js';
import { CliProcess, serveFixture } from '../support/serve-cli.js';
import { repoRoot } from '../support/repo-root.js';
import { hasOpenssl, makeTestPki } from '../support/transport-tls.js';
import { matching, scrapeUntil } from '../support/prometheus-text.js';
import { runCliCaptured } from '../support/cli-in-process.js';

const started: CliProcess[] = [];
const consumers: ApiConsumer[] = [];
after(async () => {
  await Promise.all(consumers.map((consumer) => consumer.close()));
  await Promise.all(started.map((cli) => cli.kill()));
});

function serve(...args: string[]): CliProcess {
  const cli = new CliProcess(['serve', ...args]);
  started.push(cli);
  return cli;
}

function consumer(addr: string): ApiConsumer {
  const created = new ApiConsumer({ target: addr, timeoutMs: 20_000 });
  consumers.push(created);
  return created;
}

const cli = runCliCaptured;

test('SIGTERM lets the in-flight call finish, runs the module’s close and exits 0', async () => {
  const server = serve(serveFixture, '--host', '127.0.0.1', '--port', '0');
  const addr = await server.serving();
  assert.match(server.stdout[0]!, /^rocket-rpc serve: serving com\.acme\.Ops on 127\.0\.0\.1:\d+ \(pid \d+\)$/);
  const ops = consumer(addr).proxy(Ops);
  const call = ops.slow('a', 800);
  await server.line(/^slow started a /);
  server.signal('SIGTERM');
  assert.equal(await call, 'slow done a');
  assert.deepEqual(await server.exited, { code: 0, signal: null });
  assert.ok(server.stdout.includes(`module closed ${server.child.pid}`), server.stdout.join('\n'));
  assert.ok(server.stderr.includes('rocket-rpc serve: stopped'));
});

test('a second signal exits at once with 128+signal, without waiting for the in-flight call', async () => {
  const server = serve(serveFixture, '--host', '127.0.0.1', '--port', '0', '--grace-ms', '60000');
  const addr = await server.serving();
  const call = consumer(addr).proxy(Ops).slow('b', 30_000);
  const failed = assert.rejects(call, (error: RemotingError) => error.code === 'CONNECTION_CLOSED' || error.code === 'SEND_FAILED');
  await server.line(/^slow started b /);
  server.signal('SIGINT');
  await server.line(/SIGINT, stopping/);
  const before = performance.now();
  server.signal('SIGTERM');
  assert.deepEqual(await server.exited, { code: 143, signal: null });
  assert.ok(performance.now() - before < 5_000);
  await failed;
  assert.ok(!server.stdout.some((line) => line.startsWith('module closed')), 'the forced exit skips the module’s close');
});

test('--drain-ms: after SIGTERM health probes answer SYSTEM_BUSY while calls are still served', async () => {
  const server = serve(serveFixture, '--host', '127.0.0.1', '--port', '0', '--drain-ms', '60000', '--grace-ms', '1000');
  const addr = await server.serving();
  const ops = consumer(addr).proxy(Ops);
  assert.equal((await cli('ping', addr, '-c', '1')).code, 0);
  server.signal('SIGTERM');
  await server.line(/SIGTERM, stopping/);
  const draining = await cli('ping', addr, '-c', '1');
  assert.equal(draining.code, 1);
  assert.match(draining.out, /seq=1 SYSTEM_BUSY/);
  assert.equal(await ops.pid(), server.child.pid);
  server.signal('SIGTERM');
  assert.equal((await server.exited).code, 143);
});

test('a setup-function module serves what it registered', async () => {
  const server = serve(path.join(repoRoot, '.build', 'examples', 'serve', 'setup-function.js'), '--host', '127.0.0.1', '--port', '0');
  const addr = await server.serving();
  assert.equal(await consumer(addr).proxy(ServiceHello).sayHello('a', 'b'), 'hello a b');
  server.signal('SIGINT');
  assert.equal((await server.exited).code, 0);
  assert.ok(server.stdout.includes('setup-function: closed after 1 greeting(s)'), server.stdout.join('\n'));
});

test('the object-form example module serves both article services', async () => {
  const server = serve(path.join(repoRoot, '.build', 'examples', 'serve', 'hello-module.js'), '--host', '127.0.0.1', '--port', '0');
  const addr = await server.serving();
  assert.match(server.stdout[0]!, /serving com\.uext\.remote\.rf\.service\.ServiceHello, com\.uext\.remote\.rf\.service\.ServiceWorld on /);
  assert.equal(await consumer(addr).proxy(ServiceHello).sayHelloInteger(1, 2), 1003);
  server.signal('SIGTERM');
  assert.equal((await server.exited).code, 0);
  assert.ok(server.stdout.includes('hello-module: closed'));
});

test('a module without the expected default export, and bad flags, fail with a clear message', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rocket-rpc-serve-'));
  try {
    const bad = path.join(dir, 'bad.mjs');
    writeFileSync(bad, 'export default { service: [] };\n');
    const server = serve(bad, '--host', '127.0.0.1', '--port', '0');
    assert.equal((await server.exited).code, 1);
    assert.match(server.stderr.join('\n'), /\[SERVE\] .*bad\.mjs: default export has no services array/);
    const missing = serve(path.join(dir, 'nope.mjs'), '--port', '0');
    assert.equal((await missing.exited).code, 1);
    assert.match(missing.stderr.join('\n'), /\[SERVE\] cannot import/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal((await cli('serve')).code, 2);
  assert.match((await cli('serve', serveFixture, '--tls-key', 'k.pem')).err, /needs both --tls-key and --tls-cert/);
  assert.equal((await cli('serve', serveFixture, '--workers', '0')).code, 2);
  assert.match((await cli('serve', serveFixture, '--register', 'x')).err, /need --etcd or --zookeeper/);
  assert.equal((await cli('serve', serveFixture, '--port', '70000')).code, 2);
});

test('--metrics-port serves Prometheus metrics that count the calls made, exactly', async () => {
  const server = serve(serveFixture, '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--metrics-host', '127.0.0.1');
  const addr = await server.serving();
  const url = /metrics (http:\/\/\S+?)[,)]/.exec(server.stdout[0]!)?.[1];
  assert.ok(url !== undefined, `the serving line names the metrics URL: ${server.stdout[0]}`);
  const ops = consumer(addr).proxy(Ops);
  for (let i = 0; i < 3; i++) assert.equal(await ops.slow(String(i), 0), `slow done ${i}`);
  const samples = await scrapeUntil(url, (s) => matching(s, 'rpc_server_call_duration_count', { rpc_method: 'com.acme.Ops/slow' }).length > 0);
  const served = matching(samples, 'rpc_server_call_duration_count', { rpc_method: 'com.acme.Ops/slow', rpc_response_status_code: '0' });
  assert.equal(served.reduce((sum, sample) => sum + sample.value, 0), 3);
  server.signal('SIGTERM');
  assert.equal((await server.exited).code, 0);
});

test('TLS files: the provider serves TLS, and mutual TLS refuses a client without a certificate', { skip: hasOpenssl() ? false : 'openssl is not installed' }, async () => {
  const pki = makeTestPki();
  const dir = mkdtempSync(path.join(tmpdir(), 'rocket-rpc-serve-tls-'));
  try {
    const file = (name: string, content: Buffer): string => {
      const full = path.join(dir, name);
      writeFileSync(full, content);
      return full;
    };
    const [key, cert, ca, clientKey, clientCert] = [file('server.key', pki.serverKey), file('server.crt', pki.serverCert), file('ca.crt', pki.ca), file('client.key', pki.clientKey), file('client.crt', pki.clientCert)];
    const server = serve(serveFixture, '--host', '127.0.0.1', '--port', '0', '--tls-key', key, '--tls-cert', cert, '--tls-ca', ca, '--tls-require-client-cert');
    const addr = await server.serving();
    assert.match(server.stdout[0]!, /, tls\)$/);
    const withCert = await cli('ping', addr, '-c', '1', '--tls-ca', ca, '--tls-cert', clientCert, '--tls-key', clientKey);
    assert.equal(withCert.code, 0, withCert.out + withCert.err);
    assert.match(withCert.out, /seq=1 SUCCESS/);
    const withoutCert = await cli('ping', addr, '-c', '1', '--tls-ca', ca, '-W', '2000');
    assert.equal(withoutCert.code, 1);
    assert.match(withoutCert.out, /no reply from .*seq=1/);
    server.signal('SIGTERM');
    assert.equal((await server.exited).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
