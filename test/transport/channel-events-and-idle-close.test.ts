import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { ProtocolError } from '../../src/errors.js';
import type { ChannelEvent } from '../../src/transport/processor.js';
import { Counter, deferred, newClient, request, response, startServer } from '../support/transport-harness.js';
import { rawConnect, rawServer } from '../support/transport-raw.js';

function recorder(): { events: ChannelEvent[]; closed: Promise<void>; on: (event: ChannelEvent) => void } {
  const events: ChannelEvent[] = [];
  const closed = deferred<void>();
  return {
    events,
    closed: closed.promise,
    on: (event) => {
      events.push(event);
      if (event.type === 'CLOSE') closed.resolve();
    },
  };
}

test('CONNECT and CLOSE on both sides, with the peer address and the channel', async (t) => {
  const serverSide = recorder();
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, () => response(0));
    s.on('channel', serverSide.on);
  });
  const clientSide = recorder();
  const { client } = newClient(t);
  client.on('channel', clientSide.on);
  await client.invokeSync(addr, request(1), 5000);
  const channel = await client.getChannel(addr);
  client.closeChannel(addr);
  await Promise.all([serverSide.closed, clientSide.closed]);
  assert.deepEqual(clientSide.events.map((e) => [e.type, e.remoteAddress]), [
    ['CONNECT', addr],
    ['CLOSE', addr],
  ]);
  assert.equal(clientSide.events[0]!.channel, channel);
  assert.deepEqual(serverSide.events.map((e) => [e.type, e.remoteAddress]), [
    ['CONNECT', channel.localAddress],
    ['CLOSE', channel.localAddress],
  ]);
  assert.equal(serverSide.events[0]!.channel, serverSide.events[1]!.channel);
});

test('the server closes a connection idle for maxIdleMs: IDLE then CLOSE, never early', async (t) => {
  const serverSide = recorder();
  const maxIdleMs = 300;
  const { addr } = await startServer(t, { maxIdleMs }, (s) => {
    s.registerProcessor(1, () => response(0));
    s.on('channel', serverSide.on);
  });
  const clientSide = recorder();
  const { client } = newClient(t);
  client.on('channel', clientSide.on);
  // The server's last traffic (answering) happens after this instant: a sound lower bound.
  const lastTraffic = performance.now();
  await client.invokeSync(addr, request(1), 5000);
  await Promise.all([serverSide.closed, clientSide.closed]);
  const idleFor = performance.now() - lastTraffic;
  assert.deepEqual(serverSide.events.map((e) => e.type), ['CONNECT', 'IDLE', 'CLOSE']);
  assert.deepEqual(clientSide.events.map((e) => e.type), ['CONNECT', 'CLOSE']);
  assert.ok(idleFor >= maxIdleMs - 5, `closed after ${Math.round(idleFor)} ms of silence, not before ${maxIdleMs}`);
  assert.deepEqual(client.connectedAddresses, []);
});

test('traffic resets the idle clock: a connection in use is not closed', async (t) => {
  const serverSide = recorder();
  // Generous: a loaded machine must not go this long between two calls of the loop below.
  const maxIdleMs = 1000;
  const { addr } = await startServer(t, { maxIdleMs }, (s) => {
    s.registerProcessor(1, () => response(0));
    s.on('channel', serverSide.on);
  });
  const { client } = newClient(t);
  const begin = performance.now();
  let lastTraffic = begin;
  // Keep talking for well over maxIdleMs, a call at a time.
  while (performance.now() - begin < maxIdleMs * 1.5) {
    lastTraffic = performance.now();
    await client.invokeSync(addr, request(1), 5000);
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.deepEqual(serverSide.events.map((e) => e.type), ['CONNECT'], 'still open while in use');
  await serverSide.closed;
  const quietFor = performance.now() - lastTraffic;
  assert.ok(quietFor >= maxIdleMs - 5, `closed after ${Math.round(quietFor)} ms of silence`);
  assert.deepEqual(serverSide.events.map((e) => e.type), ['CONNECT', 'IDLE', 'CLOSE']);
});

test('the client closes its own idle connections too (maxIdleMs on the client), failing nothing else', async (t) => {
  const server = await rawServer(t);
  const clientSide = recorder();
  const { client } = newClient(t, { maxIdleMs: 200 });
  client.on('channel', clientSide.on);
  await client.invokeOneway(server.addr, request(1), 5000);
  const peer = await server.peer(0);
  await clientSide.closed;
  assert.deepEqual(clientSide.events.map((e) => e.type), ['CONNECT', 'IDLE', 'CLOSE']);
  await peer.closed;
});

test('a bad frame: EXCEPTION (with the protocol error) then CLOSE, on the server', async (t) => {
  const serverSide = recorder();
  const { port } = await startServer(t, {}, (s) => s.on('channel', serverSide.on));
  const peer = await rawConnect(t, port);
  await peer.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
  await Promise.all([serverSide.closed, peer.closed]);
  assert.deepEqual(serverSide.events.map((e) => e.type), ['CONNECT', 'EXCEPTION', 'CLOSE']);
  assert.ok(serverSide.events[1]!.error instanceof ProtocolError);
});

test('a throwing channel listener is logged and does not disturb the connection', async (t) => {
  const connected = new Counter();
  const { addr, logger } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, () => response(0, { body: 'fine' }));
    s.on('channel', () => {
      connected.increment();
      throw new Error('listener bug');
    });
  });
  const { client } = newClient(t);
  assert.equal((await client.invokeSync(addr, request(1), 5000)).code, 0);
  await connected.reached(1);
  await logger.waitFor((entry) => entry.level === 'error' && entry.message.includes('listener threw'));
});

test('idleness is measured on a monotonic clock: a wall-clock step does not keep an idle connection open', { timeout: 20_000 }, async (t) => {
  const serverSide = recorder();
  const maxIdleMs = 300;
  const { addr } = await startServer(t, { maxIdleMs }, (s) => {
    s.registerProcessor(1, () => response(0));
    s.on('channel', serverSide.on);
  });
  const { client } = newClient(t);
  const lastTraffic = performance.now();
  await client.invokeSync(addr, request(1), 5000);
  // The system clock is stepped back an hour (NTP, a restored VM) while the connection sits idle.
  const realNow = Date.now;
  t.after(() => {
    Date.now = realNow;
  });
  Date.now = () => realNow() - 3_600_000;
  await serverSide.closed;
  Date.now = realNow;
  const quietFor = performance.now() - lastTraffic;
  assert.deepEqual(serverSide.events.map((e) => e.type), ['CONNECT', 'IDLE', 'CLOSE']);
  assert.ok(quietFor < 10_000, `closed after ${Math.round(quietFor)} ms of silence, not an hour`);
});
