import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { encodeCommand, RemotingCommand, SerializeType } from '../../src/protocol/index.js';
import type { RemotingCommand as Command } from '../../src/protocol/index.js';
import { Channel } from '../../src/transport/channel.js';

function frames(...opaques: number[]): Buffer {
  return Buffer.concat(opaques.map((opaque) => encodeCommand(new RemotingCommand({ code: 1, opaque, serializeType: SerializeType.ROCKETMQ }))));
}

test('a channel emits decoded commands as events, or hands them to its handler instead once one is set', async () => {
  const stream = new PassThrough();
  const channel = new Channel(stream, { remoteAddress: 'test' });
  const events: number[] = [];
  const handled: number[] = [];
  channel.on('command', (command: Command) => events.push(command.opaque));
  stream.write(frames(1, 2));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(events, [1, 2]);

  channel.setCommandHandler((command) => handled.push(command.opaque));
  stream.write(frames(3));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(handled, [3]);
  assert.deepEqual(events, [1, 2]);

  channel.setCommandHandler(null);
  stream.write(frames(4));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(events, [1, 2, 4]);
  channel.close();
});
