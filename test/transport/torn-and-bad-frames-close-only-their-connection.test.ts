import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '../../src/errors.js';
import { SerializeType } from '../../src/protocol/codes.js';
import { decodeCommand } from '../../src/protocol/frame.js';
import type { ChannelEvent } from '../../src/transport/processor.js';
import { Counter, bodyText, newClient, request, response, startServer } from '../support/transport-harness.js';
import { frameOf, jsonFrame, rawConnect } from '../support/transport-raw.js';

function int32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeInt32BE(value, 0);
  return out;
}

const valid = (): Buffer => frameOf(request(1, { ext: { k: 'v' }, body: 'payload' }));

/** Byte sequences a broken or hostile peer might send, each with the reason our decoder gives. */
const badInputs: Array<{ name: string; bytes: () => Buffer; reason: string }> = [
  { name: 'a negative length', bytes: () => Buffer.concat([int32(-1), Buffer.alloc(8)]), reason: 'NEGATIVE_LENGTH' },
  { name: 'a length over the 16 MiB limit', bytes: () => Buffer.concat([int32(0x7fffffff), Buffer.alloc(8)]), reason: 'FRAME_TOO_LARGE' },
  { name: 'a length too small for the header-length word', bytes: () => Buffer.concat([int32(2), Buffer.alloc(2)]), reason: 'BAD_HEADER_LENGTH' },
  { name: 'a header length beyond the frame', bytes: () => Buffer.concat([int32(8), Buffer.from([0, 0, 1, 0]), Buffer.alloc(4)]), reason: 'BAD_HEADER_LENGTH' },
  { name: 'an unknown serialize type', bytes: () => Buffer.concat([int32(6), Buffer.from([7, 0, 0, 2]), Buffer.from('{}')]), reason: 'UNKNOWN_SERIALIZE_TYPE' },
  { name: 'malformed JSON', bytes: () => jsonFrame('{"code":1,"flag":0,'), reason: 'MALFORMED_JSON' },
  {
    name: 'a binary header whose remark length runs past the header',
    bytes: () => {
      const frame = frameOf(request(1, { serializeType: SerializeType.ROCKETMQ }));
      frame.writeInt32BE(1000, 8 + 13);
      return frame;
    },
    reason: 'BAD_HEADER',
  },
  {
    // Half a frame, then bytes that are not the rest of it: they complete the declared length and
    // what lands where the next frame's header should be is garbage.
    name: 'half a frame, then a garbage length',
    bytes: () => {
      const first = valid();
      const half = first.subarray(0, Math.floor(first.length / 2));
      const rest = Buffer.alloc(first.length - half.length, 0xff);
      return Buffer.concat([half, rest]);
    },
    reason: '',
  },
];

for (const bad of badInputs) {
  test(`${bad.name}: the server closes that connection without answering, and keeps serving the others`, async (t) => {
    const events: ChannelEvent[] = [];
    const processed = new Counter();
    const { port, addr } = await startServer(t, {}, (s) => {
      s.registerProcessor(1, (req) => {
        processed.increment();
        return response(0, { body: bodyText(req) });
      });
      s.on('channel', (event) => events.push(event));
    });
    const { client: bystander } = newClient(t);
    assert.equal(bodyText(await bystander.invokeSync(addr, request(1, { body: 'before' }), 5000)), 'before');
    const peer = await rawConnect(t, port);
    // A good frame first: it is answered; everything after the bad bytes is not.
    await peer.write(valid());
    assert.equal(decodeCommand(await peer.nextFrame()).code, 0);
    await peer.write(Buffer.concat([bad.bytes(), valid()])).catch(() => undefined);
    await peer.closed;
    assert.equal(peer.frames.length, 1, 'no answer to anything after the bad bytes');
    const exception = events.find((event) => event.type === 'EXCEPTION');
    assert.ok(exception?.error instanceof ProtocolError, `EXCEPTION with a ProtocolError, got ${String(exception?.error)}`);
    if (bad.reason !== '') assert.equal(exception.error.reason, bad.reason);
    assert.equal(bodyText(await bystander.invokeSync(addr, request(1, { body: 'after' }), 5000)), 'after', 'other connections are untouched');
    const { client: newcomer } = newClient(t);
    assert.equal(bodyText(await newcomer.invokeSync(addr, request(1, { body: 'new' }), 5000)), 'new', 'and the server still accepts');
    assert.equal(processed.value, 4);
  });
}

test('a torn frame (the peer leaves mid-frame) is dropped quietly; nothing is processed', async (t) => {
  const events: ChannelEvent[] = [];
  const processed = new Counter();
  const { port, addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, () => {
      processed.increment();
      return response(0);
    });
    s.on('channel', (event) => events.push(event));
  });
  const peer = await rawConnect(t, port);
  const frame = valid();
  await peer.write(frame.subarray(0, 3));
  await peer.write(frame.subarray(3, frame.length - 1));
  peer.socket.end();
  await peer.closed;
  const { client } = newClient(t);
  assert.equal((await client.invokeSync(addr, request(1), 5000)).code, 0);
  assert.equal(processed.value, 1, 'only the later complete request ran');
  assert.deepEqual(events.slice(0, 2).map((event) => event.type), ['CONNECT', 'CLOSE']);
});

test('frames split at every byte boundary, or many in one chunk, all arrive', async (t) => {
  const { port } = await startServer(t, {}, (s) => s.registerProcessor(1, (req) => response(0, { body: req.getExt('i') })));
  const peer = await rawConnect(t, port);
  const frames = Array.from({ length: 20 }, (_, i) => frameOf(request(1, { ext: { i: String(i) }, serializeType: i % 2 === 0 ? SerializeType.JSON : SerializeType.ROCKETMQ })));
  const stream = Buffer.concat(frames);
  for (let at = 0; at < stream.length; at += 7) await peer.write(stream.subarray(at, Math.min(at + 7, stream.length)));
  await peer.write(Buffer.concat(frames));
  const bodies: string[] = [];
  for (let i = 0; i < 40; i++) bodies.push(bodyText(decodeCommand(await peer.nextFrame()))!);
  assert.deepEqual(bodies, [...Array.from({ length: 20 }, (_, i) => String(i)), ...Array.from({ length: 20 }, (_, i) => String(i))]);
});
