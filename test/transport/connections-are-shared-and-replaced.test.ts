import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { RemotingConnectError } from '../../src/transport/errors.js';
import { parseAddress, formatAddress } from '../../src/transport/address.js';
import { RemotingServer } from '../../src/transport/remoting-server.js';
import { RecordingLogger, assertRemotingError, bodyText, deferred, newClient, refusedAddr, rejectionOf, request, response, startServer } from '../support/transport-harness.js';

test('connections open lazily, one per address, and concurrent first calls share a single connect', async (t) => {
  let connects = 0;
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, (req) => response(0, { body: req.getExt('i') }));
    s.on('channel', (event) => {
      if (event.type === 'CONNECT') connects++;
    });
  });
  const { client } = newClient(t);
  const { addr: otherAddr } = await startServer(t, {}, (s) => s.registerProcessor(1, () => response(0, { body: 'other' })));
  assert.deepEqual(client.connectedAddresses, [], 'nothing is opened before the first call');
  const calls = Array.from({ length: 50 }, (_, i) => {
    const ext = { i: String(i) };
    if (i % 3 === 0) return client.invokeSync(addr, request(1, { ext }), 10_000);
    if (i % 3 === 1) return client.invokeAsyncPromise(addr, request(1, { ext }), 10_000);
    return client.invokeOneway(addr, request(1, { ext }), 10_000).then(() => null);
  });
  const answers = await Promise.all(calls);
  answers.forEach((answer, i) => assert.equal(answer === null ? null : bodyText(answer), i % 3 === 2 ? null : String(i)));
  assert.equal(connects, 1, 'fifty concurrent first calls, one connection');
  assert.equal(bodyText(await client.invokeSync(otherAddr, request(1), 10_000)), 'other');
  assert.deepEqual(client.connectedAddresses.sort(), [addr, otherAddr].sort());
});

test('a connection closed by the peer is replaced on the next call', async (t) => {
  const events: string[] = [];
  const { server, addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, (_req, ctx) => response(0, { body: ctx.remoteAddress }));
    s.on('channel', (event) => events.push(event.type));
  });
  const { client } = newClient(t);
  const closed = deferred<void>();
  client.on('channel', (event) => {
    if (event.type === 'CLOSE') closed.resolve();
  });
  const first = bodyText(await client.invokeSync(addr, request(1), 5000));
  for (const channel of server.channels) channel.close();
  await closed.promise;
  assert.deepEqual(client.connectedAddresses, []);
  const second = bodyText(await client.invokeSync(addr, request(1), 5000));
  assert.notEqual(second, first, 'a new connection (new client port)');
  assert.deepEqual(events, ['CONNECT', 'CLOSE', 'CONNECT']);
});

test('connect failures are typed, carry the address, and leave nothing behind', async (t) => {
  const { client } = newClient(t);
  const addr = await refusedAddr();
  const error = assertRemotingError(await rejectionOf(client.invokeSync(addr, request(1), 5000)), 'CONNECT_FAILED', RemotingConnectError);
  assert.equal(error.addr, addr);
  assert.match(error.message, new RegExp(`^connect to ${addr} failed`));
  assert.equal((error.cause as NodeJS.ErrnoException).code, 'ECONNREFUSED');
  assertRemotingError(await rejectionOf(client.invokeAsyncPromise(addr, request(1), 5000)), 'CONNECT_FAILED');
  assertRemotingError(await rejectionOf(client.invokeOneway(addr, request(1), 5000)), 'CONNECT_FAILED');
  assert.equal(client.pendingCount, 0);
  assert.deepEqual(client.connectedAddresses, []);
  // Not an address at all: rejected as a typed error too, not thrown synchronously.
  const bad = await rejectionOf(client.invokeSync('no-port-here', request(1), 5000));
  assert.ok(['CONNECT_FAILED', 'INVALID_ARGUMENT'].includes((bad as { code: string }).code));
});

test('a server that never accepts: the connect times out after connectTimeoutMs with CONNECT_FAILED', { skip: process.platform !== 'linux' && 'relies on Linux accept-queue behaviour and /proc' }, async (t) => {
  // A listener with a one-slot backlog in a stopped process: once the accept queue is full, the
  // kernel drops further SYNs, so a new connect neither succeeds nor fails by itself.
  const child = spawn(process.execPath, ['-e', "require('net').createServer().listen({ host: '127.0.0.1', port: 0, backlog: 1 }, function () { process.stdout.write(this.address().port + '\\n'); })"], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  t.after(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(String(line).trim());
  child.kill('SIGSTOP');
  while (readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]![0] !== 'T') await nextTurn();
  const fillers: net.Socket[] = [];
  t.after(() => fillers.forEach((socket) => socket.destroy()));
  for (let i = 0; i < 2; i++) {
    const filler = net.connect(port, '127.0.0.1');
    filler.on('error', () => undefined);
    fillers.push(filler);
    await once(filler, 'connect');
  }
  const { client } = newClient(t, { connectTimeoutMs: 300 });
  const begin = performance.now();
  const error = assertRemotingError(await rejectionOf(client.invokeSync(`127.0.0.1:${port}`, request(1), 30_000)), 'CONNECT_FAILED', RemotingConnectError);
  const elapsed = performance.now() - begin;
  assert.match(error.message, /no connection within 300 ms/);
  assert.ok(elapsed >= 290 && elapsed < 10_000, `gave up after the connect timeout (${Math.round(elapsed)} ms), not the call's 30 s`);
  // A call with a shorter timeout than the connect timeout ends at its own deadline instead.
  const { client: impatient } = newClient(t, { connectTimeoutMs: 30_000 });
  assertRemotingError(await rejectionOf(impatient.invokeSync(`127.0.0.1:${port}`, request(1), 200)), 'TIMEOUT');
  impatient.closeChannel(`127.0.0.1:${port}`);
});

test('IPv6 addresses are written in brackets and work end to end', async (t) => {
  const probe = net.createServer();
  const ipv6 = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => probe.close(() => resolve(true)));
  });
  if (!ipv6) {
    t.skip('no IPv6 loopback on this machine');
    return;
  }
  const server = new RemotingServer({ host: '::1', port: 0, logger: new RecordingLogger() });
  server.registerProcessor(1, (_req, ctx) => response(0, { body: ctx.remoteAddress }));
  t.after(() => server.close());
  const bound = await server.start();
  assert.equal(bound.addr, `[::1]:${bound.port}`);
  const { client } = newClient(t);
  const seenAs = bodyText(await client.invokeSync(bound.addr, request(1), 5000))!;
  assert.match(seenAs, /^\[::1\]:\d+$/, 'the server sees the client as [ip]:port too');
  assert.deepEqual(parseAddress(`[::1]:${bound.port}`), { host: '::1', port: bound.port });
  assert.equal(formatAddress('::1', 9876), '[::1]:9876');
  assert.deepEqual(parseAddress('10.0.0.1:9876'), { host: '10.0.0.1', port: 9876 });
  assert.deepEqual(parseAddress('fe80::1:9876'), { host: 'fe80::1', port: 9876 }, 'unbracketed: split at the last colon, as Java');
  for (const bad of ['[::1]9876', 'host:', ':80', 'host:99999', 'host:8a']) assert.throws(() => parseAddress(bad), /invalid address/);
});
