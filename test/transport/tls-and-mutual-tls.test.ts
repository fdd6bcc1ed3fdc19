import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import type { Channel } from '../../src/transport/channel.js';
import { RemotingServer } from '../../src/transport/remoting-server.js';
import { Counter, RecordingLogger, assertRemotingError, bodyText, deferred, newClient, rejectionOf, request, response, startServer } from '../support/transport-harness.js';
import { hasOpenssl, makeTestPki, type TestPki } from '../support/transport-tls.js';

const skip = hasOpenssl() ? false : 'openssl is not installed';
let pki: TestPki;
before(() => {
  if (!skip) pki = makeTestPki();
});

function serverTls(mutual: boolean): tls.TlsOptions {
  return mutual ? { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true } : { key: pki.serverKey, cert: pki.serverCert };
}

test('TLS: calls both ways work over an encrypted connection verified against the CA', { skip }, async (t) => {
  const connected = deferred<Channel>();
  const { server, addr } = await startServer(t, { tls: serverTls(false) }, (s) => {
    s.registerProcessor(1, (req) => response(0, { body: `secure ${bodyText(req)}` }));
    s.on('channel', (event) => {
      if (event.type === 'CONNECT') connected.resolve(event.channel);
    });
  });
  const { client } = newClient(t, { tls: { ca: pki.ca } });
  client.registerProcessor(2, () => response(0, { body: 'client side' }));
  assert.equal(bodyText(await client.invokeSync(addr, request(1, { body: 'hello' }), 10_000)), 'secure hello');
  assert.equal(bodyText(await client.invokeAsyncPromise(addr, request(1, { body: 'async' }), 10_000)), 'secure async');
  await client.invokeOneway(addr, request(1), 10_000);
  assert.equal(bodyText(await server.invokeSync(await connected.promise, request(2), 10_000)), 'client side');
});

test('TLS: a client that does not trust the server certificate fails to connect', { skip }, async (t) => {
  const { addr } = await startServer(t, { tls: serverTls(false) }, (s) => s.registerProcessor(1, () => response(0)));
  const { client } = newClient(t, { tls: { ca: pki.otherCa } });
  const error = assertRemotingError(await rejectionOf(client.invokeSync(addr, request(1), 10_000)), 'CONNECT_FAILED');
  assert.match(String((error.cause as Error | undefined)?.message), /certificate/i);
  assert.equal(client.pendingCount, 0);
});

test('TLS: a plain-text client gets no service from a TLS server', { skip }, async (t) => {
  const processed = new Counter();
  const { addr } = await startServer(t, { tls: serverTls(false) }, (s) =>
    s.registerProcessor(1, () => {
      processed.increment();
      return response(0);
    }),
  );
  const { client } = newClient(t);
  const error = await rejectionOf(client.invokeSync(addr, request(1), 10_000));
  assertRemotingError(error, 'CONNECTION_CLOSED');
  assert.equal(processed.value, 0);
  assert.equal(client.pendingCount, 0);
});

test('mutual TLS: a client with a certificate from the CA is served, the processor sees it', { skip }, async (t) => {
  const { addr } = await startServer(t, { tls: serverTls(true) }, (s) => s.registerProcessor(1, () => response(0, { body: 'welcome' })));
  const { client } = newClient(t, { tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey } });
  assert.equal(bodyText(await client.invokeSync(addr, request(1), 10_000)), 'welcome');
});

test('mutual TLS: a client without a certificate is refused and its call fails with a typed error', { skip }, async (t) => {
  const processed = new Counter();
  const { addr, logger } = await startServer(t, { tls: serverTls(true) }, (s) =>
    s.registerProcessor(1, () => {
      processed.increment();
      return response(0);
    }),
  );
  const { client } = newClient(t, { tls: { ca: pki.ca } });
  const error = await rejectionOf(client.invokeSync(addr, request(1), 10_000));
  // TLS 1.3 finishes the client's side of the handshake before the server checks the client
  // certificate, so the refusal shows either as a failed connect or as the connection closing.
  assert.ok(['CONNECT_FAILED', 'CONNECTION_CLOSED'].includes((error as { code?: string }).code ?? ''), `typed refusal, got ${String(error)}`);
  assert.equal(processed.value, 0);
  assert.equal(client.pendingCount, 0);
  await logger.waitFor((entry) => entry.message.startsWith('TLS handshake with'));
});

test('close() finishes even with a TLS handshake never started, and refuses one that completes during close', { skip, timeout: 20_000 }, async (t) => {
  const logger = new RecordingLogger();
  const server = new RemotingServer({ host: '127.0.0.1', port: 0, tls: serverTls(false), logger });
  const gate = deferred<void>();
  const started = deferred<void>();
  server.registerProcessor(1, async () => {
    started.resolve();
    await gate.promise;
    return response(0, { body: 'finished' });
  });
  server.registerProcessor(2, () => response(0));
  let connects = 0;
  server.on('channel', (event) => {
    if (event.type === 'CONNECT') connects++;
  });
  const { port, addr } = await server.start();
  const { client } = newClient(t, { tls: { ca: pki.ca } });
  const inFlight = client.invokeSync(addr, request(1), 30_000);
  await started.promise;

  // Two raw TCP connections: one never says anything, one starts its handshake after close() began.
  const silent = net.connect(port, '127.0.0.1');
  const late = net.connect(port, '127.0.0.1');
  t.after(() => {
    silent.destroy();
    late.destroy();
  });
  silent.on('error', () => undefined);
  await Promise.all([once(silent, 'connect'), once(late, 'connect')]);
  // A connection the server has not accepted yet is reset when the listener closes; a call over a
  // connection opened after both proves the server accepted them (accepts are in order).
  const { client: witness } = newClient(t, { tls: { ca: pki.ca } });
  await witness.invokeSync(addr, request(2), 10_000);

  const closing = server.close({ graceMs: 30_000 });
  const lateTls = tls.connect({ socket: late, ca: pki.ca, servername: 'localhost' });
  lateTls.on('error', () => undefined);
  await new Promise((resolve) => lateTls.once('close', resolve));
  assert.equal(connects, 2, 'the late connection was cut, not served (only the two clients connected)');
  gate.resolve();
  assert.equal(bodyText(await inFlight), 'finished', 'the in-flight request still completed');
  await closing;
  if (!silent.destroyed) await new Promise((resolve) => silent.once('close', resolve));
  assert.equal(server.channels.size, 0);
});
