import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCommand, encodeCommand, FrameDecoder, RemotingCommand, SerializeType, serializeTypeName } from '../../src/index.js';
import { loadVectors } from '../support/java-vectors.js';

const vectors = loadVectors();

test('the Java vectors file is present and complete', () => {
  assert.equal(vectors.length, 32);
});

for (const v of vectors) {
  test(`vector ${v.name}: decodes to the listed command and re-encodes to the same bytes`, () => {
    const frame = Buffer.from(v.frameHex, 'hex');
    const command = decodeCommand(frame);
    assert.equal(serializeTypeName(command.serializeType), v.serializeType);
    assert.equal(command.code, v.command.code);
    assert.equal(command.language, v.command.language);
    assert.equal(command.version, v.command.version);
    assert.equal(command.opaque, v.command.opaque);
    assert.equal(command.flag, v.command.flag);
    assert.equal(command.remark, v.command.remark);
    assert.deepEqual(command.extFields === null ? null : Object.fromEntries(command.extFields), v.command.extFields);
    assert.equal(command.body === null ? null : Buffer.from(command.body).toString('hex'), v.command.bodyHex);
    assert.equal(encodeCommand(command).toString('hex'), v.frameHex);
  });

  test(`vector ${v.name}: a command built from the listed fields encodes to the Java bytes`, () => {
    const c = v.command;
    const command = new RemotingCommand({
      code: c.code,
      language: c.language,
      version: c.version,
      opaque: c.opaque,
      flag: c.flag,
      remark: c.remark,
      extFields: c.extFields === null ? null : new Map(Object.entries(c.extFields)),
      body: c.bodyHex === null ? null : Buffer.from(c.bodyHex, 'hex'),
    });
    const type = v.serializeType === 'JSON' ? SerializeType.JSON : SerializeType.ROCKETMQ;
    assert.equal(encodeCommand(command, type).toString('hex'), v.frameHex);
  });
}

test('all vectors streamed back to back, one byte at a time, decode in order', () => {
  const stream = Buffer.concat(vectors.map((v) => Buffer.from(v.frameHex, 'hex')));
  const decoder = new FrameDecoder();
  const names: number[] = [];
  for (let i = 0; i < stream.length; i++) decoder.push(stream.subarray(i, i + 1), (command) => names.push(command.opaque));
  assert.deepEqual(names, vectors.map((v) => v.command.opaque));
  assert.equal(decoder.pendingBytes, 0);
});
