import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { decodeCommand } from '../../src/protocol/frame.js';
import { GOING_AWAY_REQUEST_CODE, SerializeType } from '../../src/protocol/codes.js';
import { Executor } from '../../src/transport/executor.js';
import type { Channel } from '../../src/transport/channel.js';
import { Counter, deferred, isDroppedResponse, newClient, request, response, startServer } from '../support/transport-harness.js';
import { frameOf, rawConnect } from '../support/transport-raw.js';

test('oneway requests get no answer at all: unknown code, rejected, thrown, rejected promise, overload, or a returned response', async (t) => {
  const gate = deferred<void>();
  const ran = new Counter();
  const blockerStarted = deferred<void>();
  const blockerDone = deferred<void>();
  const single = new Executor({ name: 'single', concurrency: 1, queueSize: 0 });
  const { server, port } = await startServer(t, {}, (s) => {
    s.registerProcessor(4, { rejectRequest: () => true, processRequest: () => response(0) });
    s.registerProcessor(5, () => {
      ran.increment();
      throw new Error('boom');
    });
    s.registerProcessor(6, async () => {
      ran.increment();
      await Promise.resolve();
      throw new Error('async boom');
    });
    s.registerProcessor(7, () => {
      ran.increment();
      return response(0, { body: 'nobody asked' });
    });
    s.registerProcessor(
      8,
      async (req) => {
        if (req.getExt('role') === 'blocker') {
          blockerStarted.resolve();
          await gate.promise;
          blockerDone.resolve();
        }
        return response(0);
      },
      single,
    );
    s.registerProcessor(100, () => response(0, { body: 'probe' }));
  });
  const peer = await rawConnect(t, port);
  const oneway = (code: number, type: SerializeType, ext: Record<string, string> = {}): Buffer => frameOf(request(code, { ext, serializeType: type }).markOneway());
  await peer.write(frameOf(request(8, { ext: { role: 'blocker' } }).markOneway()));
  await blockerStarted.promise;
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    await peer.write(Buffer.concat([oneway(999, type), oneway(4, type), oneway(5, type), oneway(6, type), oneway(7, type), oneway(8, type, { role: 'overflow' })]));
  }
  const probe = request(100, { opaque: 4242 });
  await peer.write(frameOf(probe));
  const answer = decodeCommand(await peer.nextFrame());
  assert.equal(answer.opaque, 4242, 'the first frame back answers the probe: nothing came for the oneway requests before it');
  await ran.reached(6);
  gate.resolve();
  await blockerDone.promise;
  // Close the server gracefully: whatever it still had to write is flushed before the socket ends.
  await server.close({ graceMs: 5000 });
  // Besides the server's own going-away notice (a request, not an answer).
  const frames = (await peer.framesUntilClosed()).filter((f) => decodeCommand(f).code !== GOING_AWAY_REQUEST_CODE || decodeCommand(f).isResponse());
  assert.equal(frames.length, 1, `only the probe was answered, got opaques ${frames.map((f) => decodeCommand(f).opaque).join(',')}`);
});

test('invokeOneway marks the request oneway, resolves once written, and the processor runs with no reply', async (t) => {
  const received = deferred<{ flag: number; body: string | null }>();
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(11, (req) => {
      received.resolve({ flag: req.flag, body: req.body === null ? null : Buffer.from(req.body).toString() });
      return response(0, { body: 'ignored' });
    });
    s.registerProcessor(12, () => response(0));
  });
  const { client, logger } = newClient(t);
  const req = request(11, { body: 'fire and forget' });
  assert.equal(await client.invokeOneway(addr, req, 5000), undefined);
  assert.equal(req.isOneway(), true);
  const seen = await received.promise;
  assert.equal(seen.flag & 2, 2, 'flag bit 1 (oneway) is on the wire');
  assert.equal(seen.flag & 1, 0);
  assert.equal(seen.body, 'fire and forget');
  // A sync call on the same connection, processed after the oneway, comes back; nothing came before it.
  await client.invokeSync(addr, request(12), 5000);
  assert.equal(logger.count(isDroppedResponse), 0, 'no response to the oneway request reached the client');
  assert.equal(client.pendingCount, 0);
});

test('a client never answers a oneway request from the server, even when its processor fails or is missing', async (t) => {
  const ran = new Counter();
  const connected = deferred<Channel>();
  const { server, addr, logger: serverLog } = await startServer(t, {}, (s) => {
    s.on('channel', (event) => {
      if (event.type === 'CONNECT') connected.resolve(event.channel);
    });
    s.registerProcessor(1, () => response(0));
  });
  const { client } = newClient(t);
  client.registerProcessor(21, () => {
    ran.increment();
    throw new Error('client side boom');
  });
  client.registerProcessor(22, () => {
    ran.increment();
    return response(0, { body: 'not wanted' });
  });
  client.registerProcessor(23, () => response(0, { body: 'probe' }));
  await client.invokeSync(addr, request(1), 5000);
  const channel = await connected.promise;
  await server.invokeOneway(channel, request(21), 5000);
  await server.invokeOneway(channel, request(22), 5000);
  await server.invokeOneway(channel, request(999), 5000);
  await ran.reached(2);
  const probe = await server.invokeSync(channel, request(23), 5000);
  assert.equal(Buffer.from(probe.body!).toString(), 'probe');
  assert.equal(serverLog.count(isDroppedResponse), 0, 'the server received no answer to its oneway requests');
  const closed = once(channel, 'close');
  await client.close();
  await closed;
  assert.equal(serverLog.count(isDroppedResponse), 0);
});
