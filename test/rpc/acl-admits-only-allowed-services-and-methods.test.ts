/**
 * A provider with an `AclVerifier` serves a call only when it is signed by a known account whose
 * `services` allow-list covers the interface and method; everything else is NO_PERMISSION (16)
 * before the arguments are decoded, and oneway refusals are counted, never answered.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AclClientRpcHook, AclVerifier, ApiConsumer, ApiProvider, defineContract, J, method, RemoteError, RemotingServer, type ApiConsumerOptions, type Implementation } from '../../src/index.js';
import { ServiceHello, ServiceWorld } from '../../examples/service-hello/contract.js';
import { serviceHelloImpl } from '../../examples/service-hello/provider.js';
import { main as aclExample } from '../../examples/service-hello/acl.js';
import { RecordingLogger } from '../support/transport-harness.js';
import { deferred, startPair } from './support/pair.js';

const HELLO = ServiceHello.serviceName;
const WORLD = ServiceWorld.serviceName;

const worlds: string[] = [];
let worldCalled = deferred<void>();
const serviceWorldImpl: Implementation<typeof ServiceWorld> = {
  sayWorld(a, b) {
    worlds.push(`${a} ${b}`);
    worldCalled.resolve();
  },
};

const aclLogger = new RecordingLogger();
const acl = new AclVerifier({
  logger: aclLogger,
  accounts: [
    { accessKey: 'ops', secretKey: 'ops-secret' },
    { accessKey: 'greeter', secretKey: 'greeter-secret', services: { [HELLO]: ['sayHello'] } },
    { accessKey: 'by-java-name', secretKey: 'j-secret', services: { [HELLO]: ['sayHelloInteger'], [WORLD]: '*' } },
    { accessKey: 'by-signature', secretKey: 's-secret', services: { [HELLO]: [ServiceHello.methodsByKey.get('sayHello')!.signature] } },
    { accessKey: 'engine-only', secretKey: 'e-secret', codes: [10] },
  ],
});
let provider: ApiProvider;
let addr: string;
const consumers: ApiConsumer[] = [];

function consumer(accessKey?: string, secretKey?: string, options: ApiConsumerOptions = {}): ApiConsumer {
  const hooks = accessKey === undefined ? [] : [new AclClientRpcHook({ accessKey, secretKey: secretKey! })];
  const created = new ApiConsumer({ target: addr, clientOptions: { hooks }, ...options });
  consumers.push(created);
  return created;
}

async function refusal(promise: Promise<unknown>): Promise<RemoteError> {
  const error = await promise.then(
    () => assert.fail('expected NO_PERMISSION'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RemoteError, String(error));
  assert.equal(error.responseCode, 16);
  return error;
}

before(async () => {
  provider = new ApiProvider({ host: '127.0.0.1', port: 0, acl, logger: new RecordingLogger() });
  provider.register(ServiceHello, serviceHelloImpl).register(ServiceWorld, serviceWorldImpl);
  ({ addr } = await provider.start());
});
after(async () => {
  await Promise.all(consumers.map((c) => c.close()));
  await provider.close({ graceMs: 0 });
});

test('an account without a services list calls everything; the provider hands the verifier to the server it creates', async () => {
  assert.equal(provider.server.acl, acl);
  const ops = consumer('ops', 'ops-secret');
  assert.equal(await ops.proxy(ServiceHello).sayHello('a', 'b'), 'hello a b');
  assert.equal(await ops.proxy(ServiceHello).sayHelloInteger(1, 2), 1003);
  worldCalled = deferred();
  await ops.proxy(ServiceWorld).sayWorld('aa', 'bb');
  await worldCalled.promise;
  assert.deepEqual(worlds.at(-1), 'aa bb');
});

test('a method list admits the methods it names (by contract key, Java name or signature) and refuses the rest', async () => {
  const greeter = consumer('greeter', 'greeter-secret').proxy(ServiceHello);
  assert.equal(await greeter.sayHello('a', 'b'), 'hello a b');
  const method = await refusal(greeter.sayHelloInteger(1, 2));
  assert.equal(method.remark, `[NO_PERMISSION] AccessKey greeter may not call ${HELLO}.sayHelloInteger`);

  const byJavaName = consumer('by-java-name', 'j-secret');
  assert.equal(await byJavaName.proxy(ServiceHello).sayHelloInteger(20, 3), 1023);
  await refusal(byJavaName.proxy(ServiceHello).sayHello('a', 'b'));
  const world = consumer('by-java-name', 'j-secret', { voidAsSync: true }).proxy(ServiceWorld);
  await world.sayWorld('x', 'y');

  const bySignature = consumer('by-signature', 's-secret').proxy(ServiceHello);
  assert.equal(await bySignature.sayHello('c', 'd'), 'hello c d');
});

test("a service outside the list is refused before lookup, so callers cannot probe which services exist", async () => {
  const greeter = consumer('greeter', 'greeter-secret', { voidAsSync: true });
  const world = await refusal(greeter.proxy(ServiceWorld).sayWorld('a', 'b'));
  assert.equal(world.remark, `[NO_PERMISSION] AccessKey greeter may not call ${WORLD}`);
  const missing = await refusal(greeter.generic().invokeJson('com.example.DoesNotExist', 'public abstract void com.example.DoesNotExist.x()', []));
  assert.equal(missing.remark, '[NO_PERMISSION] AccessKey greeter may not call com.example.DoesNotExist');
  // Arguments are not even decoded: a malformed call is refused for permission, not for its arguments.
  const malformed = await refusal(greeter.generic().invokeJson(HELLO, ServiceHello.methodsByKey.get('sayHelloInteger')!.signature, ['"not a number"', '1']));
  assert.match(malformed.remark!, /may not call .*sayHelloInteger$/);
});

test('unsigned calls and wrong secrets are refused at the engine; an engine code list without 0 refuses every RPC', async () => {
  const anonymous = await refusal(consumer().proxy(ServiceHello).sayHello('a', 'b'));
  assert.match(anonymous.remark!, /^\[NO_PERMISSION\] request not signed/);
  const wrong = await refusal(consumer('ops', 'not-ops-secret').proxy(ServiceHello).sayHello('a', 'b'));
  assert.equal(wrong.remark, '[NO_PERMISSION] signature check failed: unknown AccessKey or wrong Signature');
  const engineOnly = await refusal(consumer('engine-only', 'e-secret').proxy(ServiceHello).sayHello('a', 'b'));
  assert.equal(engineOnly.remark, '[NO_PERMISSION] AccessKey engine-only may not send request code 0');
});

test('a refused oneway call runs nothing, gets no answer and is counted', async () => {
  const before = acl.counts.denied.SERVICE_NOT_ALLOWED;
  const greeterWorld = consumer('greeter', 'greeter-secret').proxy(ServiceWorld);
  const count = worlds.length;
  await greeterWorld.sayWorld('never', 'runs'); // oneway: resolves once written
  await aclLogger.waitFor((entry) => entry.level === 'debug' && entry.message.includes('SERVICE_NOT_ALLOWED: request code 0 (oneway, not answered)'));
  assert.equal(acl.counts.denied.SERVICE_NOT_ALLOWED, before + 1);
  // The connection still serves: a later call on it is answered, and the oneway one never ran.
  worldCalled = deferred();
  await consumer('ops', 'ops-secret').proxy(ServiceWorld).sayWorld('after', 'refusal');
  await worldCalled.promise;
  assert.deepEqual(worlds.slice(count), ['after refusal']);
});

test('the service listing shows an account only what it may call', async () => {
  const full = await consumer('ops', 'ops-secret').generic().listServices();
  assert.deepEqual(full.services.map((s) => s.name).sort(), [HELLO, WORLD]);
  const greeter = await consumer('greeter', 'greeter-secret').generic().listServices();
  assert.deepEqual(greeter.services.map((s) => [s.name, s.methods.map((m) => m.name)]), [[HELLO, ['sayHello']]]);
});

test('acl with a given server must be that server\'s verifier', () => {
  const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
  assert.throws(() => new ApiProvider({ server, acl }), TypeError);
  const guarded = new RemotingServer({ host: '127.0.0.1', port: 0, acl });
  assert.equal(new ApiProvider({ server: guarded, acl }).server.acl, acl);
  assert.equal(new ApiProvider({ server: guarded }).server.acl, acl, 'allow-lists apply whenever the server verifies');
});

test('the ACL example (docs/rpc.md) runs and prints what the doc shows', async () => {
  const lines: string[] = [];
  await aclExample((line) => lines.push(line));
  assert.deepEqual(lines, [
    'ops: 1003',
    'greeter: hello a b',
    `greeter: code 16, [NO_PERMISSION] AccessKey greeter may not call ${HELLO}.sayHelloInteger`,
    'anonymous: code 16, [NO_PERMISSION] request not signed: the AccessKey and Signature ext fields are required (ACL 1.0, AclClientRPCHook)',
  ]);
});

test('with overloads, a contract key admits one of them and the Java name admits all; the call context names the signer', async (t) => {
  const Calc = defineContract('com.acme.Calc', {
    addInts: method([J.int, J.int], J.int, { javaName: 'add' }),
    addLongs: method([J.long, J.long], J.long, { javaName: 'add' }),
    whoAmI: method([], J.String),
  });
  const verifier = new AclVerifier({
    logger: new RecordingLogger(),
    accounts: [
      { accessKey: 'ints', secretKey: 'i-secret', services: { 'com.acme.Calc': ['addInts'] } },
      { accessKey: 'all-adds', secretKey: 'a-secret', services: { 'com.acme.Calc': ['add', 'whoAmI'] } },
    ],
  });
  const pair = await startPair((p) => p.register(Calc, { addInts: (a, b) => a + b, addLongs: (a, b) => a + b, whoAmI: (call) => call.accessKey }), { provider: { acl: verifier, logger: new RecordingLogger() } });
  t.after(() => pair.close());
  const as = (accessKey: string, secretKey: string) => {
    const created = new ApiConsumer({ target: pair.addr, clientOptions: { hooks: [new AclClientRpcHook({ accessKey, secretKey })] } });
    t.after(() => created.close());
    return created.proxy(Calc);
  };
  const ints = as('ints', 'i-secret');
  assert.equal(await ints.addInts(1, 2), 3);
  const refused = await refusal(ints.addLongs(1n, 2n));
  assert.match(refused.remark!, /may not call com\.acme\.Calc\.add$/);
  const all = as('all-adds', 'a-secret');
  assert.equal(await all.addInts(1, 2), 3);
  assert.equal(await all.addLongs(1n, 2n), 3n);
  assert.equal(await all.whoAmI(), 'all-adds', 'the implementation sees who signed the call');
});
