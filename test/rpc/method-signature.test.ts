import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineContract, InterfaceModifiers, J, method, parseMethodSignature, renderMethodSignature } from '../../src/index.js';

// An interface `Chk$Svc` (nested in a class `Chk`), declared as a contract; Java 17 printed these strings.
const Pojo = J.pojo('Chk$Pojo', { name: J.String });
const Chk = defineContract('Chk$Svc', {
  sayHello: method([J.String, J.String], J.String),
  ping: method([], J.void),
  add: method([J.int, J.long, J.double, J.boolean, J.byte, J.short, J.char, J.float], J.int),
  names: method([J.list(J.String), J.map(J.Integer), J.array(J.int), J.array(J.bytes)], J.array(J.String)),
  get: method([Pojo, J.Date, J.BigDecimal], Pojo, { throws: ['java.io.IOException', 'java.lang.IllegalStateException'] }),
  max: method([J.array(J.named('java.lang.Comparable', J.String))], J.named('java.lang.Comparable', J.String)),
  any: method([J.Object], J.Object),
  boxed: method([J.Integer, J.Long], J.Integer),
  wild: method([J.named('java.util.Map$Entry', J.map(J.String)), J.array(J.Object)], J.list(J.Object)),
  hello: method([], J.String, { modifiers: InterfaceModifiers.DEFAULT }),
  util: method([], J.int, { modifiers: InterfaceModifiers.STATIC }),
});

const printedByJava = [
  'public abstract java.lang.String Chk$Svc.sayHello(java.lang.String,java.lang.String)',
  'public abstract void Chk$Svc.ping()',
  'public abstract int Chk$Svc.add(int,long,double,boolean,byte,short,char,float)',
  'public abstract java.lang.String[] Chk$Svc.names(java.util.List,java.util.Map,int[],byte[][])',
  'public abstract Chk$Pojo Chk$Svc.get(Chk$Pojo,java.util.Date,java.math.BigDecimal) throws java.io.IOException,java.lang.IllegalStateException',
  'public abstract java.lang.Comparable Chk$Svc.max(java.lang.Comparable[])',
  'public abstract java.lang.Object Chk$Svc.any(java.lang.Object)',
  'public abstract java.lang.Integer Chk$Svc.boxed(java.lang.Integer,java.lang.Long)',
  'public abstract java.util.List Chk$Svc.wild(java.util.Map$Entry,java.lang.Object[])',
  'public default java.lang.String Chk$Svc.hello()',
  'public static int Chk$Svc.util()',
];

test('contract methods render exactly the Method#toString() strings Java 17 printed', () => {
  assert.deepEqual(
    [...Chk.methodsByKey.values()].map((m) => m.signature),
    printedByJava,
  );
});

test("the article's ServiceHello methods render the keys seen in the Java vectors", () => {
  const ServiceHello = defineContract('com.uext.remote.rf.service.ServiceHello', {
    sayHello: method([J.String, J.String], J.String),
    sayHelloInteger: method([J.Integer, J.Integer], J.Integer),
  });
  assert.equal(
    ServiceHello.methodsByKey.get('sayHello')?.signature,
    'public abstract java.lang.String com.uext.remote.rf.service.ServiceHello.sayHello(java.lang.String,java.lang.String)',
  );
  assert.equal(
    ServiceHello.methodsByKey.get('sayHelloInteger')?.signature,
    'public abstract java.lang.Integer com.uext.remote.rf.service.ServiceHello.sayHelloInteger(java.lang.Integer,java.lang.Integer)',
  );
});

test('every Java-printed signature parses and renders back to the same text', () => {
  for (const text of printedByJava) {
    const parsed = parseMethodSignature(text);
    assert.notEqual(parsed, null, text);
    assert.equal(renderMethodSignature(parsed!), text);
  }
  assert.deepEqual(parseMethodSignature(printedByJava[4]!)?.exceptionTypes, ['java.io.IOException', 'java.lang.IllegalStateException']);
  assert.deepEqual(parseMethodSignature(printedByJava[1]!)?.parameterTypes, []);
});

test('texts that are not Method#toString() output do not parse', () => {
  for (const text of [
    'sayHello',
    'sayHello(java.lang.String)',
    'public abstract java.lang.String Svc.sayHello(java.lang.String, java.lang.String)',
    'abstract public java.lang.String Svc.sayHello()',
    'public abstract [I Svc.sayHello()',
    'public abstract java.lang.String Svc.sayHello() throws ',
  ]) {
    assert.equal(parseMethodSignature(text), null, text);
  }
});

test('overloads are declared under two keys with one Java name; equal signatures are refused', () => {
  const Svc = defineContract('com.acme.Svc', {
    find: method([J.String], J.String),
    findTwo: method([J.String, J.int], J.String, { javaName: 'find' }),
  });
  assert.equal(Svc.methodsByKey.get('findTwo')?.signature, 'public abstract java.lang.String com.acme.Svc.find(java.lang.String,int)');
  assert.throws(
    () => defineContract('com.acme.Svc', { a: method([J.String], J.String, { javaName: 'b' }), b: method([J.String], J.String) }),
    /same signature/,
  );
});

test('names Java cannot print are refused when the contract is defined', () => {
  assert.throws(() => defineContract('com.acme.Svc', { bad: method([], J.String, { javaName: 'not valid' }) }), TypeError);
  assert.throws(() => defineContract('com acme', {}), TypeError);
  assert.throws(() => J.pojo('[Lcom.acme.Pojo;', {}), TypeError);
  assert.throws(() => defineContract('com.acme.Svc', { m: method([], J.String, { modifiers: 'abstract public' }) }), TypeError);
  assert.throws(() => defineContract('com.acme.Svc', { m: method([J.void], J.String) }), /cannot be void/);
});

test('keys every object inherits (and then) cannot be contract methods, so no proxy or provider can reach them', () => {
  for (const key of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf', 'then']) {
    const methods = Object.defineProperty({}, key, { value: method([], J.String), enumerable: true });
    assert.throws(() => defineContract('com.acme.Svc', methods), /cannot be a method key/, key);
  }
  const Svc = defineContract('com.acme.Svc', { toString_: method([], J.String, { javaName: 'toString' }) });
  assert.equal(Svc.methodsByKey.get('toString_')?.signature, 'public abstract java.lang.String com.acme.Svc.toString()');
});
