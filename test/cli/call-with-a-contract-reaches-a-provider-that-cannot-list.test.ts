import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ApiProvider, RemotingCommand, RemotingServer, SEED_RPC_REQUEST_CODE, SeedRpcFields } from '../../src/index.js';
import { ServiceHello } from '../../examples/service-hello/contract.js';
import { serviceHelloImpl } from '../../examples/service-hello/provider.js';
import { decodeArgsJsonJson } from '../../src/rpc/args-json.js';
import { runCliIn, type CliRun } from '../support/cli-in-process.js';
import { repoRoot } from '../support/repo-root.js';

const cli = (...argv: string[]): Promise<CliRun> => runCliIn(argv);

const HELLO = 'com.uext.remote.rf.service.ServiceHello';
const SAY_HELLO = `public abstract java.lang.String ${HELLO}.sayHello(java.lang.String,java.lang.String)`;
const SAY_HELLO_INTEGER = `public abstract java.lang.Integer ${HELLO}.sayHelloInteger(java.lang.Integer,java.lang.Integer)`;
const LEDGER = 'com.acme.Ledger';
const BALANCE = `public abstract long ${LEDGER}.balance(long)`;
const FIND_BY_NAME = `public abstract java.lang.String ${LEDGER}.find(java.lang.String)`;
const FIND_BY_ID = `public abstract java.lang.String ${LEDGER}.find(long)`;
const FIND_TWO = `public abstract java.lang.String ${LEDGER}.find(java.lang.String,int)`;
const OPEN = `public abstract java.lang.String ${LEDGER}.open(com.acme.Ledger$Account,java.util.Date)`;

/** What the Java provider received: interface, method key and the argument texts. */
const received: Array<{ service: string | null; key: string | null; args: string[] }> = [];

/**
 * Plays the article's Java ApiProviderBean: a processor on request code 0 that looks the interface
 * and then the method up by the exact `Method#toString()` key, and knows nothing of rocket-rpc's
 * service listing (a listing request is an unknown interface, as in Java).
 */
const javaMethods = new Map<string, Map<string, (args: string[]) => string | null>>([
  [
    HELLO,
    new Map([
      [SAY_HELLO, (args) => JSON.stringify(`hello ${JSON.parse(args[0]!)} ${JSON.parse(args[1]!)}`)],
      [SAY_HELLO_INTEGER, (args) => String(1000 + Number(args[0]) + Number(args[1]))],
    ]),
  ],
  [
    LEDGER,
    new Map([
      [BALANCE, (args) => args[0]!],
      [FIND_BY_NAME, (args) => JSON.stringify(`by name ${args[0]}`)],
      [FIND_BY_ID, (args) => JSON.stringify(`by id ${args[0]}`)],
      [FIND_TWO, (args) => JSON.stringify(`two ${args.join(' ')}`)],
      [OPEN, (args) => JSON.stringify(args.join(' '))],
    ]),
  ],
]);

function javaError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

let server: RemotingServer;
let addr = '';
let dir = '';
let contractFile = '';

before(async () => {
  server = new RemotingServer({ host: '127.0.0.1', port: 0 });
  server.registerProcessor(SEED_RPC_REQUEST_CODE, (request) => {
    const service = request.extFields?.get(SeedRpcFields.INTERFACE_NAME) ?? null;
    const key = request.extFields?.get(SeedRpcFields.METHOD_NAME) ?? null;
    const args = decodeArgsJsonJson(request.extFields?.get(SeedRpcFields.ARGS_JSON_JSON));
    received.push({ service, key, args });
    const methods = service === null ? undefined : javaMethods.get(service);
    if (methods === undefined) throw javaError('java.lang.NullPointerException', `interface not exists ${service}`);
    const handler = key === null ? undefined : methods.get(key);
    if (handler === undefined) throw javaError('java.lang.RuntimeException', `method not exists ${key}`);
    const body = handler(args);
    return RemotingCommand.createResponse(0, null, { body: body === null ? null : Buffer.from(body) });
  });
  addr = `127.0.0.1:${(await server.start()).port}`;

  dir = await mkdtemp(path.join(os.tmpdir(), 'rocket-rpc-contract-'));
  contractFile = path.join(dir, 'contracts.js');
  const index = pathToFileURL(path.join(repoRoot, '.build', 'src', 'index.js')).href;
  // A user's module: one named export, the other in a default-exported object.
  await writeFile(
    contractFile,
    `import { defineContract, J, method } from ${JSON.stringify(index)};
export const ServiceHello = defineContract(${JSON.stringify(HELLO)}, {
  sayHello: method([J.String, J.String], J.String),
  sayHelloInteger: method([J.Integer, J.Integer], J.Integer),
});
const Account = J.pojo('com.acme.Ledger$Account', { owner: J.String, limit: J.long });
const Ledger = defineContract(${JSON.stringify(LEDGER)}, {
  balance: method([J.long], J.long),
  findByName: method([J.String], J.String, { javaName: 'find' }),
  findById: method([J.long], J.String, { javaName: 'find' }),
  findTwo: method([J.String, J.int], J.String, { javaName: 'find' }),
  open: method([Account, J.Date], J.String),
});
export default { Ledger };
`,
  );
});

after(async () => {
  await server.close({ graceMs: 0 });
  await rm(dir, { recursive: true, force: true });
});

test('the provider cannot list its services, so a call by method name without a contract is a usage error', async () => {
  const run = await cli('call', addr, HELLO, 'sayHello', '["a","b"]');
  assert.equal(run.code, 2);
  assert.match(run.stderr, /^rocket-rpc call: 127\.0\.0\.1:\d+ does not list its services .*--contract FILE\n$/);
});

test('call --contract sends the contract’s full Method#toString() key for a method name and a simple service name', async () => {
  received.length = 0;
  assert.deepEqual(await cli('call', addr, 'ServiceHello', 'sayHello', '["a","b"]', '--contract', contractFile), { code: 0, stdout: '"hello a b"\n', stderr: '' });
  assert.deepEqual(await cli('call', addr, HELLO, 'sayHelloInteger', '[1,2]', '--contract', contractFile), { code: 0, stdout: '1003\n', stderr: '' });
  assert.deepEqual(received, [
    { service: HELLO, key: SAY_HELLO, args: ['"a"', '"b"'] },
    { service: HELLO, key: SAY_HELLO_INTEGER, args: ['1', '2'] },
  ]);
});

test('call --contract converts the arguments through the contract’s types', async () => {
  received.length = 0;
  // J.long: exact beyond 2^53, and a decimal string is read as the long it spells (as fastjson does).
  assert.equal((await cli('call', addr, 'Ledger', 'balance', '[9223372036854775807]', '--contract', contractFile)).stdout, '9223372036854775807\n');
  assert.equal((await cli('call', addr, 'Ledger', 'balance', '["12"]', '--contract', contractFile)).stdout, '12\n');
  // A POJO is written as the proxy writes it (properties sorted, unknown ones dropped); a Date as epoch ms.
  const open = await cli('call', addr, 'Ledger', 'open', '[{"owner":"ann","limit":"5","extra":1},"2024-01-02T03:04:05Z"]', '--contract', contractFile);
  assert.equal(open.code, 0, open.stderr);
  assert.deepEqual(
    received.map((r) => r.args),
    [['9223372036854775807'], ['12'], ['{"limit":5,"owner":"ann"}', '1704164645000']],
  );
  assert.ok(received.every((r) => r.service === LEDGER));
});

test('call --contract tells overloads apart by argument count, contract key or full signature', async () => {
  received.length = 0;
  assert.equal((await cli('call', addr, 'Ledger', 'find', '["x",2]', '--contract', contractFile)).stdout, '"two \\"x\\" 2"\n');
  assert.equal((await cli('call', addr, 'Ledger', 'findById', '[7]', '--contract', contractFile)).stdout, '"by id 7"\n');
  assert.equal((await cli('call', addr, 'Ledger', FIND_BY_NAME, '["n"]', '--contract', contractFile)).stdout, '"by name \\"n\\""\n');
  assert.deepEqual(received.map((r) => r.key), [FIND_TWO, FIND_BY_ID, FIND_BY_NAME]);
});

test('call --contract: ambiguity and mismatches are one-line usage errors naming the candidates, and nothing is sent', async () => {
  received.length = 0;
  const cases: Array<[string[], RegExp]> = [
    [['Ledger', 'find', '["x"]'], /^rocket-rpc call: find is ambiguous in com\.acme\.Ledger; give a contract key or the full signature, one of: findByName = .*find\(java\.lang\.String\) \| findById = .*find\(long\)\n$/],
    [['Nope', 'x'], /^rocket-rpc call: no contract for Nope; the contracts are: com\.uext\.remote\.rf\.service\.ServiceHello com\.acme\.Ledger\n$/],
    [['Ledger', 'missing'], /^rocket-rpc call: the contract of com\.acme\.Ledger has no method missing; its methods: balance findByName findById findTwo open\n$/],
    [['Ledger', 'balance', '[1,2]'], /^rocket-rpc call: com\.acme\.Ledger\.balance takes 1 argument\(s\) \(long\), 2 given\n$/],
    [['Ledger', 'balance', '[1.5]'], /^rocket-rpc call: argument 0 \(long\) of com\.acme\.Ledger\.balance: expected long but got number\n$/],
    [['Ledger', 'public abstract void com.acme.Ledger.x()'], /^rocket-rpc call: the contract of com\.acme\.Ledger has no method public abstract void com\.acme\.Ledger\.x\(\); its keys: /],
  ];
  for (const [args, message] of cases) {
    const run = await cli('call', addr, ...args, '--contract', contractFile);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, message);
  }
  assert.deepEqual(received, []);
});

test('several --contract modules: a simple name two contracts share is ambiguous, the full name is not', async () => {
  const other = path.join(dir, 'other.js');
  await writeFile(other, `import { defineContract, J, method } from ${JSON.stringify(pathToFileURL(path.join(repoRoot, '.build', 'src', 'index.js')).href)};\nexport const Ledger = defineContract('org.other.Ledger', { balance: method([J.int], J.int) });\n`);
  const both = ['--contract', contractFile, '--contract', other, '--contract', contractFile];
  const ambiguous = await cli('call', addr, 'Ledger', 'balance', '[1]', ...both);
  assert.equal(ambiguous.code, 2);
  assert.equal(ambiguous.stderr, 'rocket-rpc call: Ledger is ambiguous; give the full interface name, one of: com.acme.Ledger org.other.Ledger\n');
  assert.deepEqual(await cli('call', addr, LEDGER, 'balance', '[1]', ...both), { code: 0, stdout: '1\n', stderr: '' });
});

test('a --contract module that cannot be used is a usage error', async () => {
  const empty = path.join(dir, 'empty.js');
  await writeFile(empty, 'export const notAContract = { serviceName: "x" };\n');
  const broken = path.join(dir, 'broken.js');
  await writeFile(broken, 'export const = ;\n');
  for (const [file, message] of [
    [empty, /--contract .*empty\.js exports no contract \(a value made by defineContract\)\n$/],
    [broken, /--contract .*broken\.js: cannot load it: .*Unexpected token/],
    [path.join(dir, 'absent.js'), /--contract .*absent\.js: cannot load it: \[ERR_MODULE_NOT_FOUND\]/],
  ] as const) {
    const run = await cli('ls', '--contract', file);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.split('\n').length, 2, 'one line');
  }
});

test('ls --contract prints the keys the contracts send without contacting anything', async () => {
  received.length = 0;
  const run = await cli('ls', '--contract', contractFile);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    [
      HELLO,
      '  String sayHello(String, String)',
      `    ${SAY_HELLO}`,
      '  Integer sayHelloInteger(Integer, Integer)',
      `    ${SAY_HELLO_INTEGER}`,
      LEDGER,
      '  long balance(long)',
      `    ${BALANCE}`,
      '  String find(String)',
      `    ${FIND_BY_NAME}`,
      '  String find(long)',
      `    ${FIND_BY_ID}`,
      '  String find(String, int)',
      `    ${FIND_TWO}`,
      '  String open(com.acme.Ledger$Account, Date)',
      `    ${OPEN}`,
      'types:',
      '  com.acme.Ledger$Account { owner: String, limit: long }',
      '',
    ].join('\n'),
  );
  const json = JSON.parse((await cli('ls', '--contract', contractFile, '--json')).stdout) as { services: Array<{ name: string; methods: Array<{ key: string; signature: string }> }> };
  assert.deepEqual(json.services[1]!.methods.map((m) => [m.key, m.signature]), [
    ['balance', BALANCE],
    ['findByName', FIND_BY_NAME],
    ['findById', FIND_BY_ID],
    ['findTwo', FIND_TWO],
    ['open', OPEN],
  ]);
  assert.deepEqual(received, []);
});

test('ls ADDR --contract keeps asking the provider: a provider that cannot list is still reported', async () => {
  const run = await cli('ls', addr, '--contract', contractFile);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^rocket-rpc ls: 127\.0\.0\.1:\d+ does not list its services .*interface not exists rocket-rpc\.ServiceRegistry.*'rocket-rpc ls --contract FILE' lists what a contract sends\n$/);
});

test('ls ADDR --contract lists a provider that can, and fails if it lacks a key of the contract', async () => {
  const provider = new ApiProvider({ host: '127.0.0.1', port: 0 });
  provider.register(ServiceHello, serviceHelloImpl);
  const helloOnly = path.join(dir, 'hello-only.js');
  await writeFile(helloOnly, `export { ServiceHello } from ${JSON.stringify(contractFile)};\n`);
  try {
    const listed = (await provider.start()).addr;
    const plain = await cli('ls', listed);
    assert.deepEqual(await cli('ls', listed, '--contract', helloOnly), plain);
    assert.equal(plain.code, 0);
    const lacking = await cli('ls', listed, '--contract', contractFile);
    assert.equal(lacking.stdout, plain.stdout);
    assert.equal(lacking.code, 1);
    assert.equal(lacking.stderr, `rocket-rpc ls: ${listed} does not serve 5 key(s) of the contract: ${[BALANCE, FIND_BY_NAME, FIND_BY_ID, FIND_TWO, OPEN].join(' | ')}\n`);
  } finally {
    await provider.close();
  }
});

test('the compiled bin calls the Java-like provider through a contract', async () => {
  const main = path.join(repoRoot, '.build', 'src', 'cli', 'main.js');
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [main, 'call', addr, 'ServiceHello', 'sayHello', '["a","b"]', '--contract', contractFile]);
  assert.deepEqual([stdout, stderr], ['"hello a b"\n', '']);
});
