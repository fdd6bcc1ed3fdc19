import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ApiProvider, defineContract, J, method } from '../../src/index.js';
import { ServiceHello as DemoHello, ServiceWorld as DemoWorld } from '../../src/cli/demo.js';
import { ServiceHello, ServiceWorld } from '../../examples/service-hello/contract.js';
import { serviceHelloImpl, serviceWorldImpl } from '../../examples/service-hello/provider.js';
import { runCliIn, type CliRun } from '../support/cli-in-process.js';
import { repoRoot } from '../support/repo-root.js';

const cliMain = path.join(repoRoot, '.build', 'src', 'cli', 'main.js');

const cli = (...argv: string[]): Promise<CliRun> => runCliIn(argv);

const Item = J.pojo('com.acme.Tools$Item', { name: J.String, count: J.int });
const Tools = defineContract('com.acme.Tools', {
  echoLong: method([J.long], J.long),
  find: method([J.String], J.String),
  findTwo: method([J.String, J.int], J.String, { javaName: 'find' }),
  item: method([Item], J.list(Item)),
  nothing: method([], J.String),
  touch: method([J.String], J.void),
});

const touched: string[] = [];
let onTouch: (value: string) => void = () => undefined;
let provider: ApiProvider;
let silent: ApiProvider;
let addr: string;
let silentAddr: string;

before(async () => {
  provider = new ApiProvider({ host: '127.0.0.1', port: 0 });
  provider.register(ServiceHello, serviceHelloImpl).register(ServiceWorld, serviceWorldImpl(() => undefined));
  provider.register(Tools, {
    echoLong: (n) => n,
    find: (s) => `one:${s}`,
    findTwo: (s, n) => `two:${s}:${n}`,
    item: (item) => [item, item],
    nothing: () => null,
    touch: (s) => {
      touched.push(String(s));
      onTouch(String(s));
    },
  });
  addr = (await provider.start()).addr;
  // Like a Java provider: answers listing requests with "interface not exists".
  silent = new ApiProvider({ host: '127.0.0.1', port: 0, listing: false });
  silent.register(ServiceHello, serviceHelloImpl);
  silentAddr = (await silent.start()).addr;
});
after(async () => {
  await provider.close();
  await silent.close();
});

test('rocket-rpc call prints the result as JSON, the method given by name or by Java signature', async () => {
  assert.deepEqual(await cli('call', addr, 'com.uext.remote.rf.service.ServiceHello', 'sayHello', '["a","b"]'), { code: 0, stdout: '"hello a b"\n', stderr: '' });
  const signature = ServiceHello.methodsByKey.get('sayHelloInteger')!.signature;
  assert.equal((await cli('call', addr, 'com.uext.remote.rf.service.ServiceHello', signature, '[1,2]')).stdout, '1003\n');
  assert.equal((await cli('call', addr, 'com.acme.Tools', 'echoLong', '[9223372036854775807]')).stdout, '9223372036854775807\n');
  assert.equal((await cli('call', addr, 'com.acme.Tools', 'nothing')).stdout, 'null\n');
  assert.equal((await cli('call', addr, 'com.acme.Tools', 'item', '[{"name":"x","count":2}]')).stdout, '[\n  {\n    "count": 2,\n    "name": "x"\n  },\n  {\n    "count": 2,\n    "name": "x"\n  }\n]\n');
  assert.equal((await cli('call', addr, 'com.acme.Tools', 'item', '[{"name":"x","count":2}]', '--raw')).stdout, '[{"count":2,"name":"x"},{"count":2,"name":"x"}]\n');
  // Overloads sharing a name are told apart by the number of arguments.
  assert.equal((await cli('call', addr, 'com.acme.Tools', 'find', '["q"]')).stdout, '"one:q"\n');
  assert.equal((await cli('call', addr, 'com.acme.Tools', 'find', '["q",3]')).stdout, '"two:q:3"\n');
});

test('rocket-rpc call --oneway sends a void call without waiting for an answer', async () => {
  touched.length = 0;
  const arrived = new Promise<string>((resolve) => (onTouch = resolve));
  const result = await cli('call', addr, 'com.acme.Tools', 'touch', '["t"]', '--oneway');
  assert.deepEqual(result, { code: 0, stdout: '', stderr: '' });
  assert.equal(await arrived, 't');
  // Without --oneway the void call waits for the provider's empty answer.
  assert.equal((await cli('call', addr, 'com.acme.Tools', 'touch', '["u"]')).stdout, 'null\n');
  assert.deepEqual(touched, ['t', 'u']);
});

test('rocket-rpc call reports remote errors and bad input with exit codes 1 and 2', async () => {
  const unknown = await cli('call', addr, 'com.acme.Nope', 'public abstract void com.acme.Nope.x()');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /\[REMOTE\] .*java\.lang\.NullPointerException: interface not exists com\.acme\.Nope/);
  const badArg = await cli('call', addr, 'com.acme.Tools', 'echoLong', '["x"]');
  assert.equal(badArg.code, 1);
  assert.match(badArg.stderr, /IllegalArgumentException: argument 0 \(long\) of com\.acme\.Tools\.echoLong/);
  const noSuchMethod = await cli('call', addr, 'com.acme.Tools', 'missing', '[]');
  assert.equal(noSuchMethod.code, 2);
  assert.match(noSuchMethod.stderr, /has no method missing taking 0 argument\(s\); its methods: echoLong find item nothing touch/);
  assert.equal((await cli('call', addr, 'com.acme.Tools', 'find', '{"a":1}')).code, 2);
  assert.equal((await cli('call', addr, 'com.acme.Tools')).code, 2);
  assert.equal((await cli('call', addr, 'com.acme.Tools', 'find', '["q"]', '--timeout', '-5')).code, 2);
  const javaLike = await cli('call', silentAddr, 'com.uext.remote.rf.service.ServiceHello', 'sayHello', '["a","b"]');
  assert.equal(javaLike.code, 2);
  assert.match(javaLike.stderr, /does not list its services \(a Java provider\?\): give METHOD as the full Java signature/);
  const bySignature = await cli('call', silentAddr, 'com.uext.remote.rf.service.ServiceHello', ServiceHello.methodsByKey.get('sayHello')!.signature, '["a","b"]');
  assert.equal(bySignature.stdout, '"hello a b"\n');
  const refused = await cli('call', '127.0.0.1:1', 'com.acme.Tools', 'public abstract void com.acme.Tools.x()');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /\[CONNECT_FAILED\]/);
});

test('rocket-rpc ls lists services, signatures and POJO types', async () => {
  const { code, stdout } = await cli('ls', addr);
  assert.equal(code, 0);
  assert.ok(stdout.startsWith('com.uext.remote.rf.service.ServiceHello\n  String sayHello(String, String)\n    public abstract java.lang.String com.uext.remote.rf.service.ServiceHello.sayHello(java.lang.String,java.lang.String)\n'));
  assert.ok(stdout.includes('  void sayWorld(String, String)  [oneway]\n'));
  assert.ok(stdout.includes('  List<com.acme.Tools$Item> item(com.acme.Tools$Item)\n'));
  assert.ok(stdout.endsWith('types:\n  com.acme.Tools$Item { name: String, count: int }\n'));
  const json = JSON.parse((await cli('ls', addr, '--json')).stdout) as { services: Array<{ name: string }> };
  assert.deepEqual(json.services.map((s) => s.name), ['com.uext.remote.rf.service.ServiceHello', 'com.uext.remote.rf.service.ServiceWorld', 'com.acme.Tools']);
  const javaLike = await cli('ls', silentAddr);
  assert.equal(javaLike.code, 1);
  assert.match(javaLike.stderr, /does not list its services .*interface not exists rocket-rpc\.ServiceRegistry/);
});

test("the CLI demo's contracts are the examples' contracts", () => {
  for (const [a, b] of [
    [DemoHello, ServiceHello],
    [DemoWorld, ServiceWorld],
  ] as const) {
    assert.deepEqual([...a.methodsByKey.values()].map((m) => m.signature), [...b.methodsByKey.values()].map((m) => m.signature));
  }
});

test('rocket-rpc demo runs provider and consumer in one command and prints the article output', async () => {
  const child = spawn(process.execPath, [cliMain, 'demo', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  assert.equal(code, 0);
  const lines = stdout.trim().split('\n');
  assert.match(lines[0]!, /^provider: serving ServiceHello and ServiceWorld on 127\.0\.0\.1:\d+$/);
  assert.deepEqual(lines.slice(1), ['hello a b', '1003', 'world aa bb']);
});

test('rocket-rpc demo --role provider and --role consumer run as separate processes', async () => {
  const providerProcess = spawn(process.execPath, [cliMain, 'demo', '--role', 'provider', '--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(providerProcess, 'exit');
  try {
    const lines = createInterface({ input: providerProcess.stdout })[Symbol.asyncIterator]();
    const first = (await lines.next()).value as string;
    const port = /on 127\.0\.0\.1:(\d+)/.exec(first)?.[1];
    assert.ok(port !== undefined, first);
    const consumer = await cli('demo', '--role', 'consumer', '--addr', `127.0.0.1:${port}`);
    assert.deepEqual(consumer, { code: 0, stdout: 'hello a b\n1003\n', stderr: '' });
    assert.equal((await lines.next()).value, 'world aa bb');
  } finally {
    providerProcess.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 0);
  }
});
