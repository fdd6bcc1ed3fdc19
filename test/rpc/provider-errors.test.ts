import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineContract, InvalidArgumentError, J, method, ProtocolError, RemoteError, type Implementation } from '../../src/index.js';
import { startPair, type Pair } from './support/pair.js';

const Point = J.pojo('com.acme.Calc$Point', { x: J.int, y: J.int });
const Calc = defineContract('com.acme.Calc', {
  add: method([J.int, J.int], J.int),
  norm: method([Point], J.double),
  fail: method([J.String], J.String),
  failLater: method([J.String], J.String),
  throwString: method([], J.String),
  wrongResult: method([], J.int),
  nullForNotNull: method([], J.String.notNull()),
  record: method([J.String], J.void),
});

const recorded: string[] = [];
class CalcImpl implements Implementation<typeof Calc> {
  add(a: number, b: number): number {
    return a + b;
  }
  norm(p: { x: number; y: number } | null): number {
    return p === null ? 0 : Math.hypot(p.x, p.y);
  }
  fail(message: string | null): string {
    throw new RangeError(message ?? 'no message');
  }
  async failLater(message: string | null): Promise<string> {
    await Promise.resolve();
    throw new Error(`later: ${message}`);
  }
  throwString(): string {
    throw 'a bare string';
  }
  wrongResult(): number {
    return 'not a number' as unknown as number;
  }
  nullForNotNull(): string {
    return null as unknown as string;
  }
  record(value: string | null): void {
    recorded.push(String(value));
  }
}

let pair: Pair;
before(async () => {
  pair = await startPair((provider) => provider.register(Calc, new CalcImpl()));
});
after(() => pair.close());

async function remoteError(promise: Promise<unknown>): Promise<RemoteError> {
  const error = await promise.then(
    () => assert.fail('expected the call to fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RemoteError, `expected a RemoteError, got ${String(error)}`);
  return error;
}

const sig = (key: string): string => Calc.methodsByKey.get(key)!.signature;

test('a class instance serves as the implementation (methods on its prototype)', async () => {
  assert.equal(await pair.consumer.proxy(Calc).add(2, 3), 5);
  assert.equal(await pair.consumer.proxy(Calc).norm({ x: 3, y: 4 }), 5);
});

test('an argument of the wrong type is refused before the implementation runs, naming the method and the position', async () => {
  const generic = pair.consumer.generic();
  const error = await remoteError(generic.invokeJson('com.acme.Calc', sig('add'), ['1', '"x"']));
  assert.equal(error.responseCode, 1);
  assert.equal(error.remoteErrorClass, 'java.lang.IllegalArgumentException');
  assert.equal(error.detail, 'java.lang.IllegalArgumentException: argument 1 (int) of com.acme.Calc.add: expected int but got "x"');
  const nested = await remoteError(generic.invokeJson('com.acme.Calc', sig('norm'), ['{"x":1,"y":2.5}']));
  assert.match(nested.remark!, /^java\.lang\.IllegalArgumentException: argument 0 \(com\.acme\.Calc\$Point\) of com\.acme\.Calc\.norm: y: /);
  const missing = await remoteError(generic.invokeJson('com.acme.Calc', sig('add'), ['1', 'null']));
  assert.match(missing.remark!, /argument 1 \(int\) of com\.acme\.Calc\.add: expected int but got null/);
});

test('a malformed argument text and a wrong number of arguments are refused with IllegalArgumentException', async () => {
  // invokeJson checks that each text is JSON; send a raw request to bypass that check.
  const { buildSeedRequest } = await import('../../src/index.js');
  const send = (argsJsonJson: string) => pair.consumer.client.invokeSync(pair.addr, buildSeedRequest('com.acme.Calc', sig('add'), argsJsonJson, { timeoutMs: null }), 3000);
  const tooMany = await send('["1","2","3"]');
  assert.equal(tooMany.code, 1);
  assert.match(tooMany.remark!, /^java\.lang\.IllegalArgumentException: com\.acme\.Calc\.add: wrong number of arguments \(2 expected; 3 given\), /);
  const notJson = await send('["1","{oops"]');
  assert.match(notJson.remark!, /^java\.lang\.IllegalArgumentException: argument 1 \(int\) of com\.acme\.Calc\.add: malformed JSON/);
  const notArray = await send('{"a":1}');
  assert.match(notArray.remark!, /argsJsonJson is not a JSON array/);
});

test('the consumer refuses arguments that do not fit before sending (InvalidArgumentError, code INVALID_ARGUMENT)', async () => {
  const calc = pair.consumer.proxy(Calc);
  const error = await calc.add(1, 1.5).then(
    () => assert.fail('expected a failure'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof InvalidArgumentError);
  assert.equal(error.code, 'INVALID_ARGUMENT');
  assert.equal(error.argumentIndex, 1);
  assert.equal(error.method, sig('add'));
  assert.match(error.message, /argument 1 \(int\) of com\.acme\.Calc\.add/);
  const nested = await calc.norm({ x: 1, y: 'two' as unknown as number }).catch((e: unknown) => e);
  assert.ok(nested instanceof InvalidArgumentError);
  assert.equal(nested.path, 'y');
  const arity = await (calc.add as unknown as (...args: unknown[]) => Promise<number>)(1).catch((e: unknown) => e);
  assert.ok(arity instanceof InvalidArgumentError);
  assert.equal(arity.argumentIndex, null);
});

test('unknown service and unknown method get the Java provider messages', async () => {
  const generic = pair.consumer.generic();
  const noService = await remoteError(generic.invokeJson('com.acme.Missing', 'public abstract void com.acme.Missing.x()', []));
  assert.equal(noService.responseCode, 1);
  assert.equal(noService.detail, 'java.lang.NullPointerException: interface not exists com.acme.Missing');
  const noMethod = await remoteError(generic.invokeJson('com.acme.Calc', 'public abstract int com.acme.Calc.add(int)', ['1']));
  assert.equal(noMethod.detail, 'java.lang.RuntimeException: method not exists public abstract int com.acme.Calc.add(int)');
  // Only declared methods: names every object has are never reachable.
  for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    const e = await remoteError(generic.invokeJson('com.acme.Calc', `public abstract java.lang.String com.acme.Calc.${name}()`, []));
    assert.match(e.detail!, /^java\.lang\.RuntimeException: method not exists /);
  }
  const raw = await pair.consumer.client.invokeSync(pair.addr, (await import('../../src/index.js')).RemotingCommand.createRequest(0), 3000);
  assert.equal(raw.code, 1);
  assert.match(raw.remark!, /^java\.lang\.NullPointerException: interface not exists null, /);
});

test('a throwing implementation gives code 1 with its error class and message', async () => {
  const calc = pair.consumer.proxy(Calc);
  const thrown = await remoteError(calc.fail('boom'));
  assert.equal(thrown.remark, `RangeError: boom, ${sig('fail')}`);
  assert.equal(thrown.remoteErrorClass, 'RangeError');
  assert.equal(thrown.method, sig('fail'));
  const rejected = await remoteError(calc.failLater('x'));
  assert.equal(rejected.detail, 'Error: later: x');
  const bare = await remoteError(calc.throwString());
  assert.equal(bare.detail, 'Error: a bare string');
});

test('a result that does not fit the contract is refused by the provider', async () => {
  const calc = pair.consumer.proxy(Calc);
  const wrong = await remoteError(calc.wrongResult());
  assert.match(wrong.detail!, /^java\.lang\.IllegalStateException: the result of wrongResult does not fit its type: expected int but got string/);
  const nullResult = await remoteError(calc.nullForNotNull());
  assert.match(nullResult.detail!, /expected String but got null/);
});

test('a consumer refuses an answer that does not fit the declared result type', async () => {
  // The consumer's view of norm claims its double result is a boolean (same signature, other reading).
  const Liar = defineContract('com.acme.Calc', { norm: method([Point], J.named('double', J.boolean)) });
  assert.equal(Liar.methodsByKey.get('norm')?.signature, sig('norm'));
  const error = await pair.consumer.proxy(Liar).norm({ x: 3, y: 4 }).catch((e: unknown) => e);
  assert.ok(error instanceof ProtocolError);
  assert.equal(error.code, 'PROTOCOL');
  assert.equal(error.field, 'body');
  assert.match(error.message, /the result of com\.acme\.Calc\.norm from .* does not fit boolean/);
});

test('a void method called as an ordinary request gets an empty success answer', async () => {
  recorded.length = 0;
  await pair.consumer.proxy(Calc, { voidAsSync: true }).record('sync');
  assert.deepEqual(recorded, ['sync']);
  const response = await pair.consumer.client.invokeSync(
    pair.addr,
    (await import('../../src/index.js')).buildSeedRequest('com.acme.Calc', sig('record'), '["\\"raw\\""]', { timeoutMs: null }),
    3000,
  );
  assert.equal(response.code, 0);
  assert.equal(response.remark, null);
  assert.equal(response.body, null);
  assert.deepEqual(recorded, ['sync', 'raw']);
});

test('registering an implementation without a contract method is refused', () => {
  assert.throws(() => pair.provider.register(Calc, { add: (a: number, b: number) => a + b } as unknown as Implementation<typeof Calc>), /has no function 'norm'/);
  assert.throws(() => pair.provider.register(Calc, new CalcImpl(), { methods: { nope: {} } as never }), /does not declare/);
});

test('no failure remark carries a file path or a stack frame (the "where" is the method signature)', async () => {
  const calc = pair.consumer.proxy(Calc);
  const remarks = [
    (await remoteError(calc.fail('boom'))).remark,
    (await remoteError(calc.failLater('x'))).remark,
    (await remoteError(calc.throwString())).remark,
    (await remoteError(calc.wrongResult())).remark,
    (await remoteError(calc.nullForNotNull())).remark,
    (await remoteError(pair.consumer.generic().invokeJson('com.acme.Calc', sig('add'), ['1', '"x"']))).remark,
  ];
  for (const remark of remarks) {
    assert.ok(remark !== null && !remark.includes('/') && !remark.includes('file:') && !/\.[cm]?[jt]s:\d/.test(remark), `leaks a location: ${remark}`);
  }
});
