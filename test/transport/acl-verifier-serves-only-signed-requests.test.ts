/**
 * The server side of ACL 1.0: a request reaches a processor only with a valid AclClientRPCHook
 * signature of a known account allowed to send its code; everything else is answered NO_PERMISSION
 * (or, oneway, counted and logged). The golden signatures were computed independently with
 * `printf '<content>' | openssl dgst -sha1 -hmac <secret> -binary | base64`, the content being what
 * docs/protocol.md §9 says Java's hook signs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { HEALTH_PROBE_REQUEST_CODE, HealthProbeResponder, probeOnce } from '../../src/health/probe.js';
import { ResponseCode } from '../../src/protocol/codes.js';
import { RemotingCommand } from '../../src/protocol/command.js';
import { RemotingError } from '../../src/errors.js';
import { AclClientRpcHook, aclSignature } from '../../src/transport/acl-hook.js';
import { AclRemark, AclVerifier, type AclAccount } from '../../src/transport/acl-verifier.js';
import type { RequestContext } from '../../src/transport/processor.js';
import { Counter, RecordingLogger, bodyText, newClient, request, response, startServer } from '../support/transport-harness.js';
import { frameOf, rawConnect } from '../support/transport-raw.js';

const SECRET = 'sk';
const ROCKETMQ2_SECRET = '12345678';
const accounts: AclAccount[] = [
  { accessKey: 'ak', secretKey: SECRET },
  { accessKey: 'rocketmq2', secretKey: ROCKETMQ2_SECRET },
  { accessKey: 'tenant', secretKey: 'tenant-secret', codes: [10] },
];

/** A server with a verifier; code 10 and 11 processors echo the caller; counts what ran. */
async function aclServer(t: Parameters<typeof startServer>[0], options: { exemptCodes?: number[]; accounts?: AclAccount[] } = {}) {
  const logger = new RecordingLogger();
  const acl = new AclVerifier({ logger, ...options, accounts: options.accounts ?? accounts });
  const processed = new Counter();
  const hooked = new Counter();
  const contexts: RequestContext[] = [];
  const started = await startServer(t, { acl }, (s) => {
    s.registerRpcHook({ doBeforeRequest: () => hooked.increment() });
    for (const code of [10, 11]) {
      s.registerProcessor(code, (_req, context) => {
        processed.increment();
        contexts.push(context);
        return response(0, { body: `served ${context.caller?.accessKey ?? 'anonymous'}` });
      });
    }
    new HealthProbeResponder(s);
  });
  return { ...started, acl, aclLogger: logger, processed, hooked, contexts };
}

function signed(code: number, ext: Record<string, string>, body: string | null, signature: string, opaque: number): Buffer {
  return frameOf(RemotingCommand.createRequest(code, { extFields: { ...ext, Signature: signature }, body: body === null ? null : Buffer.from(body), opaque }));
}

test("golden signatures (docs/protocol.md §9's example and a token-bearing request) are accepted off the wire", async (t) => {
  const { port, processed, contexts } = await aclServer(t);
  const peer = await rawConnect(t, port);
  // ext {AccessKey: ak, a: b}, body xyz → content "akbxyz".
  await peer.write(signed(10, { AccessKey: 'ak', a: 'b' }, 'xyz', 'wsGAZ0bP0EN8q8r3pCPnrUOsXIA=', 1));
  const first = await peer.nextCommand();
  assert.deepEqual([first.code, first.opaque, bodyText(first)], [0, 1, 'served ak']);
  // AccessKey, SecurityToken, topic sort as Java sorts them → "rocketmq2" + "tok" + "TopicTest" + body.
  await peer.write(signed(10, { topic: 'TopicTest', SecurityToken: 'tok', AccessKey: 'rocketmq2' }, '中文', 'QD/At0t6H+R6AF+YGfX0MQildfk=', 2));
  const second = await peer.nextCommand();
  assert.deepEqual([second.code, second.opaque, bodyText(second)], [0, 2, 'served rocketmq2']);
  assert.equal(processed.value, 2);
  assert.equal(contexts[1]!.caller?.accessKey, 'rocketmq2');
});

test('our client signer produces what the verifier accepts, in both header types', async (t) => {
  const { addr, acl } = await aclServer(t);
  const { client } = newClient(t, { hooks: [new AclClientRpcHook({ accessKey: 'rocketmq2', secretKey: ROCKETMQ2_SECRET, securityToken: 'tok' })] });
  for (const serializeType of [0, 1] as const) {
    const answer = await client.invokeSync(addr, request(10, { ext: { topic: 'TopicTest' }, body: '中文', serializeType }), 5000);
    assert.deepEqual([answer.code, bodyText(answer)], [0, 'served rocketmq2']);
  }
  await client.invokeOneway(addr, request(11), 5000);
  assert.equal(acl.counts.verified >= 2, true);
});

test('a tampered ext value, a tampered body, a missing signature and an unknown key get NO_PERMISSION and reach no hook or processor', async (t) => {
  const { port, processed, hooked, acl } = await aclServer(t);
  const peer = await rawConnect(t, port);
  const good = { AccessKey: 'ak', a: 'b' };
  const cases: Array<[string, Buffer, string]> = [
    ['tampered ext value', signed(10, { AccessKey: 'ak', a: 'c' }, 'xyz', 'wsGAZ0bP0EN8q8r3pCPnrUOsXIA=', 1), AclRemark.SIGNATURE_FAILED],
    ['tampered body', signed(10, good, 'xyz!', 'wsGAZ0bP0EN8q8r3pCPnrUOsXIA=', 2), AclRemark.SIGNATURE_FAILED],
    ['added ext field', signed(10, { ...good, extra: '1' }, 'xyz', 'wsGAZ0bP0EN8q8r3pCPnrUOsXIA=', 3), AclRemark.SIGNATURE_FAILED],
    ['no Signature', frameOf(request(10, { ext: good, body: 'xyz', opaque: 4 })), AclRemark.NOT_SIGNED],
    ['no AccessKey', signed(10, { a: 'b' }, 'xyz', 'wsGAZ0bP0EN8q8r3pCPnrUOsXIA=', 5), AclRemark.NOT_SIGNED],
    ['no ext fields at all', frameOf(request(10, { opaque: 6 })), AclRemark.NOT_SIGNED],
    ['unknown access key', signed(10, { AccessKey: 'nobody', a: 'b' }, 'xyz', 'wsGAZ0bP0EN8q8r3pCPnrUOsXIA=', 7), AclRemark.SIGNATURE_FAILED],
    // timingSafeEqual throws on buffers of unequal length: a short signature must still be a plain refusal.
    ['signature of another length', signed(10, good, 'xyz', 'short', 8), AclRemark.SIGNATURE_FAILED],
    // An unknown code is refused as unauthenticated, not as unsupported: nothing is revealed unsigned.
    ['unsigned unknown code', frameOf(request(999, { opaque: 9 })), AclRemark.NOT_SIGNED],
  ];
  for (const [name, frame, remark] of cases) {
    await peer.write(frame);
    const answer = await peer.nextCommand();
    assert.equal(answer.code, ResponseCode.NO_PERMISSION, name);
    assert.equal(answer.code, 16, name);
    assert.equal(answer.remark, remark, name);
    assert.equal(answer.flag & 1, 1, `${name}: a response`);
  }
  assert.equal(processed.value, 0);
  assert.equal(hooked.value, 0);
  assert.deepEqual(acl.counts.denied, { NOT_SIGNED: 4, UNKNOWN_ACCESS_KEY: 1, BAD_SIGNATURE: 4, CODE_NOT_ALLOWED: 0, SERVICE_NOT_ALLOWED: 0 });
});

test('_UNIQUE_KEY_QUERY is accepted left out of the content (as the broker checks) or signed (as the client hooks sign)', async (t) => {
  const { port, processed } = await aclServer(t);
  const peer = await rawConnect(t, port);
  const ext = { AccessKey: 'ak', _UNIQUE_KEY_QUERY: 'UNIQ-7', topic: 'T' };
  await peer.write(signed(10, ext, null, 'vX6jW2Q9g11lvMjNC+gReuZ8fTQ=', 1)); // content "akT"
  assert.equal((await peer.nextCommand()).code, 0);
  await peer.write(signed(10, ext, null, 'oTlg+B8RvoH5MEO0gKw2Nwbrbv4=', 2)); // content "akUNIQ-7T"
  assert.equal((await peer.nextCommand()).code, 0);
  assert.equal(aclSignature(new Map(Object.entries(ext)), null, SECRET), 'oTlg+B8RvoH5MEO0gKw2Nwbrbv4=', 'the client signer includes it');
  await peer.write(signed(10, { ...ext, _UNIQUE_KEY_QUERY: 'UNIQ-8' }, null, 'oTlg+B8RvoH5MEO0gKw2Nwbrbv4=', 3));
  assert.equal((await peer.nextCommand()).code, ResponseCode.NO_PERMISSION, 'a changed value no longer matches the signed variant');
  assert.equal(processed.value, 2);
});

test("an account's request-code allow-list refuses other codes with a remark naming the key and the code", async (t) => {
  const { addr, processed, acl } = await aclServer(t);
  const { client } = newClient(t, { hooks: [new AclClientRpcHook({ accessKey: 'tenant', secretKey: 'tenant-secret' })] });
  assert.equal((await client.invokeSync(addr, request(10), 5000)).code, 0);
  const refused = await client.invokeSync(addr, request(11), 5000);
  assert.deepEqual([refused.code, refused.remark], [16, '[NO_PERMISSION] AccessKey tenant may not send request code 11']);
  assert.equal(processed.value, 1);
  assert.equal(acl.counts.denied.CODE_NOT_ALLOWED, 1);
});

test('the health probe code is exempt by default, so probes work without credentials; exemptCodes [] demands a signature on it too', async (t) => {
  assert.deepEqual(new AclVerifier({ accounts: [] }).exemptCodes, [HEALTH_PROBE_REQUEST_CODE]);
  const open = await aclServer(t);
  const { client } = newClient(t);
  const healthy = await probeOnce(client, open.addr, 5000);
  assert.deepEqual([healthy.healthy, healthy.code], [true, 0]);
  assert.equal(open.acl.counts.exempt, 1);
  assert.equal((await client.invokeSync(open.addr, request(10), 5000)).code, 16, 'other codes still need a signature');

  const strict = await aclServer(t, { exemptCodes: [] });
  const refused = await probeOnce(client, strict.addr, 5000);
  assert.deepEqual([refused.healthy, refused.code], [false, 16]);
});

test('oneway requests that fail the check get no answer, but are counted and logged', async (t) => {
  const { port, processed, acl, aclLogger } = await aclServer(t);
  const peer = await rawConnect(t, port);
  await peer.write(frameOf(request(10, { opaque: 1 }).markOneway()));
  await peer.write(signed(10, { AccessKey: 'ak', a: 'c' }, 'xyz', 'wsGAZ0bP0EN8q8r3pCPnrUOsXIA=', 2)); // not oneway: answered
  const answer = await peer.nextCommand();
  assert.equal(answer.opaque, 2, 'the first frame back answers the second request: nothing came for the oneway one');
  assert.equal(answer.code, 16);
  assert.equal(processed.value, 0);
  assert.equal(acl.counts.denied.NOT_SIGNED, 1);
  assert.equal(acl.counts.denied.BAD_SIGNATURE, 1);
  assert.ok(aclLogger.entries.some((e) => e.level === 'debug' && /NOT_SIGNED: request code 10 \(oneway, not answered\) from 127\.0\.0\.1:\d+, no AccessKey/.test(e.message)));
  assert.equal(aclLogger.count((e) => e.level === 'warn'), 1, 'denials are warned about at most once per interval');
});

test('secret keys appear in no remark, log line, error message, inspect() or JSON of verifier and signer', async (t) => {
  // Secrets distinctive enough that no other text contains them by chance.
  const secrets = ['Secret-Of-Ak-4f1c', 'Secret-Of-Rocketmq2-9b2e', 'Secret-Of-Tenant-77d0'];
  const { addr, port, aclLogger, logger, acl } = await aclServer(t, {
    accounts: [
      { accessKey: 'ak', secretKey: secrets[0]! },
      { accessKey: 'rocketmq2', secretKey: secrets[1]! },
      { accessKey: 'tenant', secretKey: secrets[2]!, codes: [10] },
    ],
  });
  const texts: string[] = [];
  const { client, logger: clientLogger } = newClient(t, { hooks: [new AclClientRpcHook({ accessKey: 'ak', secretKey: 'not-the-secret' })] });
  texts.push((await client.invokeSync(addr, request(10, { body: 'x' }), 5000)).remark ?? '');
  const { client: tenant } = newClient(t, { hooks: [new AclClientRpcHook({ accessKey: 'tenant', secretKey: secrets[2]! })] });
  texts.push((await tenant.invokeSync(addr, request(11), 5000)).remark ?? '');
  const peer = await rawConnect(t, port);
  await peer.write(frameOf(request(10, { ext: { AccessKey: 'rocketmq2', Signature: 'x' } })));
  texts.push((await peer.nextCommand()).remark ?? '');
  for (const bad of [
    [{ accessKey: 'a', secretKey: secrets[0]! }, { accessKey: 'a', secretKey: secrets[1]! }],
    [{ accessKey: 'b', secretKey: secrets[0]!, codes: [1.5] }],
    [{ accessKey: 'c', secretKey: secrets[0]!, services: { 'com.x.S': 'sayHello' as unknown as string[] } }],
    [{ accessKey: '', secretKey: secrets[0]! }],
  ]) {
    try {
      new AclVerifier({ accounts: bad });
      assert.fail('an invalid account list was accepted');
    } catch (error) {
      assert.ok(error instanceof RemotingError && error.code === 'INVALID_ARGUMENT', String(error));
      texts.push(error.message, inspect(error));
    }
  }
  texts.push(inspect(acl), JSON.stringify(acl), inspect(new AclClientRpcHook({ accessKey: 'ak', secretKey: secrets[0]! })), JSON.stringify(new AclClientRpcHook({ accessKey: 'ak', secretKey: secrets[0]! })));
  for (const entry of [...aclLogger.entries, ...logger.entries, ...clientLogger.entries]) texts.push(entry.message, inspect(entry.details));
  assert.ok(texts.length > 15);
  assert.ok(aclLogger.entries.length >= 3, 'the denials were logged');
  for (const text of texts) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret leaked into: ${text}`);
  }
});
