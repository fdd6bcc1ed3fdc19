import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { AclClientRpcHook, aclSignature, RemotingClient, RemotingCommand, RemotingServer } from '../../src/index.js';

const hmac = (content: string, key: string): string => createHmac('sha1', key).update(content).digest('base64');

test('the signed content is the values sorted by key (upper case first), then the body (docs/protocol.md §9 example)', () => {
  const ext = new Map([['a', 'b'], ['AccessKey', 'ak']]);
  assert.equal(aclSignature(ext, Buffer.from('xyz'), 'sk'), hmac('akbxyz', 'sk'));
  assert.equal(aclSignature(ext, Buffer.from('xyz'), 'sk').length, 28);
  // Computed independently: printf akbxyz | openssl dgst -sha1 -hmac sk -binary | base64
  assert.equal(aclSignature(ext, Buffer.from('xyz'), 'sk'), 'wsGAZ0bP0EN8q8r3pCPnrUOsXIA=');
});

test('a Signature already present (a re-sent command) is left out of the content', () => {
  const ext = new Map([['AccessKey', 'ak'], ['Signature', 'old'], ['topic', 'T']]);
  assert.equal(aclSignature(ext, null, 'sk'), hmac('akT', 'sk'));
});

test('the hook adds AccessKey, SecurityToken and a Signature the server can verify', async () => {
  const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
  server.registerProcessor(10, (request) => {
    const ext = request.extFields!;
    const ok = ext.get('Signature') === aclSignature(ext, request.body, 'secret');
    return RemotingCommand.createResponse(ok ? 0 : 1, `${ext.get('AccessKey')}/${ext.get('SecurityToken')}`);
  });
  const { addr } = await server.start();
  const client = new RemotingClient({ hooks: [new AclClientRpcHook({ accessKey: 'rocketmq2', secretKey: 'secret', securityToken: 'tok' })] });
  try {
    const response = await client.invokeSync(addr, RemotingCommand.createRequest(10, { extFields: { topic: 'TopicTest' }, body: Buffer.from('中文') }), 3000);
    assert.equal(response.code, 0);
    assert.equal(response.remark, 'rocketmq2/tok');
  } finally {
    await client.close();
    await server.close();
  }
});
