import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { encodeCommand, RemotingCommand, SerializeType } from '../../src/index.js';
import { loadVectors, vector } from '../support/java-vectors.js';
import { runCliIn, type CliRun } from '../support/cli-in-process.js';
import { repoRoot } from '../support/repo-root.js';

/** Runs the CLI in-process with `stdin` as its input. */
const cli = (argv: string[], stdin = ''): Promise<CliRun> => runCliIn(argv, stdin);

/** The decoded JSON objects of a run's stdout (one per line). */
function lines(run: CliRun): Array<Record<string, unknown>> {
  assert.equal(run.code, 0, run.stderr);
  return run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A failed run: exit code 2, nothing on stdout, exactly one line on stderr. */
function assertBadInput(run: CliRun, message: RegExp): void {
  assert.equal(run.code, 2, `exit code (stderr: ${run.stderr})`);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^rocket-rpc frame: [^\n]+\n$/);
  assert.match(run.stderr, message);
}

const vectors = loadVectors();

test('decode prints every Java vector as its listed fields', async () => {
  for (const v of vectors) {
    const [decoded] = lines(await cli(['frame', 'decode', '--hex', v.frameHex]));
    const c = v.command;
    assert.equal(decoded!.serializeType, v.serializeType, v.name);
    assert.deepEqual(
      [decoded!.code, decoded!.language, decoded!.version, decoded!.opaque, decoded!.flag, decoded!.remark],
      [c.code, c.language, c.version, c.opaque, c.flag, c.remark],
      v.name,
    );
    assert.equal(decoded!.response, (c.flag & 1) === 1);
    assert.equal(decoded!.oneway, (c.flag & 2) === 2);
    assert.deepEqual(decoded!.extFields, c.extFields, v.name);
    if (c.bodyHex === null) {
      assert.equal(decoded!.body, null);
      assert.equal(decoded!.bodyEncoding, null);
    } else if (c.bodyText !== null) {
      assert.deepEqual([decoded!.body, decoded!.bodyEncoding], [c.bodyText, 'utf8'], v.name);
    } else {
      assert.equal(decoded!.bodyEncoding, 'base64', v.name);
      assert.equal(Buffer.from(decoded!.body as string, 'base64').toString('hex'), c.bodyHex);
    }
  }
});

test('decode then encode reproduces every Java vector byte for byte', async () => {
  for (const v of vectors) {
    const decoded = await cli(['frame', 'decode', '--hex', v.frameHex]);
    const encoded = await cli(['frame', 'encode'], decoded.stdout);
    assert.equal(encoded.code, 0, encoded.stderr);
    assert.equal(encoded.stdout, v.frameHex + '\n', v.name);
  }
});

test('decode reads hex from stdin, ignoring whitespace, and prints one line per frame', async () => {
  const hex = vectors.map((v) => v.frameHex).join('');
  const spaced = hex.replace(/(.{8})/g, '$1 ').replace(/(.{90})/g, '$1\n\t');
  const decoded = lines(await cli(['frame', 'decode'], spaced));
  assert.deepEqual(decoded.map((d) => d.opaque), vectors.map((v) => v.command.opaque));
});

test('decode --array prints one JSON array', async () => {
  const two = vector('json-oneway').frameHex + vector('rocketmq-request-body').frameHex;
  const run = await cli(['frame', 'decode', '--array', '--hex', two]);
  assert.equal(run.code, 0, run.stderr);
  const array = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
  assert.deepEqual(array.map((d) => [d.serializeType, d.opaque, d.oneway]), [['JSON', 4, true], ['ROCKETMQ', 5, false]]);
});

let dir = '';
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rocket-rpc-frame-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('decode --file reads raw frame bytes', async () => {
  const file = path.join(dir, 'frames.bin');
  await writeFile(file, Buffer.from(vector('rocketmq-request-ext-unicode').frameHex + vector('json-request-body').frameHex, 'hex'));
  const decoded = lines(await cli(['frame', 'decode', '--file', file]));
  assert.deepEqual(decoded.map((d) => d.extFields), [{ note: '中文 ünïcode ✓', topic: 'TopicTest' }, { len: '19' }]);
  assert.deepEqual([decoded[1]!.body, decoded[1]!.bodyEncoding], [Buffer.from('626f6479206279746573200001ff20656e64', 'hex').toString('base64'), 'base64']);
});

test('encode chooses the header type: --serialize, else the object’s serializeType, else json', async () => {
  const command = { code: 7, opaque: 3, extFields: { a: 'b' } };
  const expected = (type: SerializeType): string => encodeCommand(new RemotingCommand({ ...command, extFields: new Map([['a', 'b']]) }), type).toString('hex') + '\n';
  assert.equal((await cli(['frame', 'encode', '--json', JSON.stringify(command)])).stdout, expected(SerializeType.JSON));
  assert.equal((await cli(['frame', 'encode', '--json', JSON.stringify({ ...command, serializeType: 'ROCKETMQ' })])).stdout, expected(SerializeType.ROCKETMQ));
  assert.equal((await cli(['frame', 'encode', '--serialize', 'rocketmq'], JSON.stringify(command))).stdout, expected(SerializeType.ROCKETMQ));
  assert.equal((await cli(['frame', 'encode', '--serialize', 'json', '--json', JSON.stringify({ ...command, serializeType: 'ROCKETMQ' })])).stdout, expected(SerializeType.JSON));
});

test('encode accepts one object, an array, or one object per line', async () => {
  const a = { code: 1, opaque: 1 };
  const b = { code: 2, opaque: 2, serializeType: 'ROCKETMQ' };
  const single = (await cli(['frame', 'encode', '--json', JSON.stringify(a)])).stdout;
  const pair = (await cli(['frame', 'encode', '--json', JSON.stringify([a, b])])).stdout;
  const perLine = (await cli(['frame', 'encode'], `${JSON.stringify(a)}\n${JSON.stringify(b)}\n`)).stdout;
  assert.equal(pair, perLine);
  assert.equal(pair.split('\n')[0] + '\n', single);
  assert.equal(pair.trimEnd().split('\n').length, 2);
});

test('integer-like ext keys keep their order through decode and encode', async () => {
  const hex = encodeCommand(new RemotingCommand({ code: 1, opaque: 1, extFields: new Map([['b', '1'], ['2', '2'], ['1', '3']]) }), SerializeType.ROCKETMQ).toString('hex');
  const decoded = await cli(['frame', 'decode', '--hex', hex]);
  assert.match(decoded.stdout, /"extFields":\{"b":"1","2":"2","1":"3"\}/);
  assert.equal((await cli(['frame', 'encode'], decoded.stdout)).stdout, hex + '\n');
});

test('response and oneway set or clear their flag bits; other flag bits are kept', async () => {
  const decode = async (json: object): Promise<Record<string, unknown>> => {
    const hex = (await cli(['frame', 'encode', '--json', JSON.stringify(json)])).stdout;
    return lines(await cli(['frame', 'decode', '--hex', hex]))[0]!;
  };
  assert.deepEqual(await decode({ code: 0, flag: 0x100, response: true, oneway: true }).then((d) => [d.flag, d.response, d.oneway]), [0x103, true, true]);
  assert.deepEqual(await decode({ code: 0, flag: 3, response: false }).then((d) => [d.flag, d.response, d.oneway]), [2, false, true]);
});

test('bodies: text stays text, binary goes through base64, and an empty body is no body', async () => {
  const roundTrip = async (json: object): Promise<Record<string, unknown>> => {
    const hex = (await cli(['frame', 'encode', '--json', JSON.stringify(json)])).stdout;
    return lines(await cli(['frame', 'decode', '--hex', hex]))[0]!;
  };
  assert.deepEqual(await roundTrip({ code: 0, body: 'héllo\u0000' }).then((d) => [d.body, d.bodyEncoding]), ['héllo\u0000', 'utf8']);
  assert.deepEqual(await roundTrip({ code: 0, body: '/w==', bodyEncoding: 'base64' }).then((d) => [d.body, d.bodyEncoding]), ['/w==', 'base64']);
  assert.deepEqual(await roundTrip({ code: 0, body: '' }).then((d) => [d.body, d.bodyEncoding]), [null, null]);
});

test('bad input: one line on stderr and exit code 2', async () => {
  const frame = vector('json-oneway').frameHex;
  const cases: Array<[string[], string, RegExp]> = [
    [['frame', 'decode', '--hex', 'zz'], '', /bad hex: unexpected "z"/],
    [['frame', 'decode', '--hex', 'abc'], '', /odd number of digits/],
    [['frame', 'decode'], '', /no frame in the input/],
    [['frame', 'decode', '--hex', frame.slice(0, -2)], '', /frame 1 \(byte 0\): truncated/],
    [['frame', 'decode', '--hex', frame + '0000'], '', /frame 2 .*too few for a length field/],
    [['frame', 'decode', '--hex', '0000000802000000' + '7b7d0000'], '', /UNKNOWN_SERIALIZE_TYPE/],
    [['frame', 'decode', '--hex', 'ffffffff'], '', /NEGATIVE_LENGTH/],
    [['frame', 'decode', '--hex', '000000050000000a7b'], '', /BAD_HEADER_LENGTH: decode error, bad header length: 10/],
    [['frame', 'decode', '--hex', '00000006000000027b78'], '', /MALFORMED_JSON/],
    [['frame', 'decode', '--hex', frame, '--hex', frame, '--file', 'x'], '', /not both/],
    [['frame', 'decode', '--serialize', 'json'], '', /--serialize is an encode option/],
    [['frame', 'encode'], '{"code":1', /bad JSON: unexpected end/],
    [['frame', 'encode'], '{"code":1,}', /bad JSON at character 10/],
    [['frame', 'encode'], '', /no command in the input/],
    [['frame', 'encode', '--json', '{"opaque":1}'], '', /code must be an integer/],
    [['frame', 'encode', '--json', '{"code":1,"extFields":{"n":1}}'], '', /extFields\["n"\] must be a string/],
    [['frame', 'encode', '--json', '{"code":1,"codee":2}'], '', /unknown property 'codee'/],
    [['frame', 'encode', '--json', '[{"code":1},{"code":"x"}]'], '', /command 2: code must be an integer/],
    [['frame', 'encode', '--json', '{"code":1,"body":"!!","bodyEncoding":"base64"}'], '', /body is not base64/],
    [['frame', 'encode', '--serialize', 'xml', '--json', '{"code":1}'], '', /must be json or rocketmq/],
    [['frame', 'encode', '--serialize', 'rocketmq', '--json', '{"code":40000}'], '', /VALUE_OUT_OF_RANGE: code 40000/],
    [['frame', 'encode', '--json', '{"code":4294967296}'], '', /VALUE_OUT_OF_RANGE/],
    [['frame', 'encode', '--hex', 'aa'], '', /--hex is a decode option/],
    [['frame', 'decode', '--nope'], '', /Unknown option '--nope'/],
    [['frame', 'transcode'], '', /unknown action 'transcode'/],
    [['frame', 'decode', 'extra'], '', /unexpected argument 'extra'/],
  ];
  for (const [argv, stdin, message] of cases) assertBadInput(await cli(argv, stdin), message);
  const none = await cli(['frame']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /expected decode or encode/);
});

test('frame --help prints the usage and exits 0', async () => {
  const run = await cli(['frame', '--help']);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /rocket-rpc frame decode/);
});

const execFileAsync = promisify(execFile);

test('the compiled bin runs frame decode, and exits 2 on bad hex', async () => {
  const main = path.join(repoRoot, '.build', 'src', 'cli', 'main.js');
  const v = vector('rocketmq-response-remark');
  const { stdout } = await execFileAsync(process.execPath, [main, 'frame', 'decode', '--hex', v.frameHex]);
  const decoded = JSON.parse(stdout) as Record<string, unknown>;
  assert.deepEqual([decoded.serializeType, decoded.code, decoded.remark, decoded.response], ['ROCKETMQ', 1, 'something failed: 失败', true]);
  await assert.rejects(execFileAsync(process.execPath, [main, 'frame', 'decode', '--hex', 'xyz']), (error: Error & { code?: number; stderr?: string }) => {
    assert.equal(error.code, 2);
    assert.match(error.stderr ?? '', /^rocket-rpc frame: bad hex/);
    return true;
  });
});
