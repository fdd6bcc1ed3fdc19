import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeCommand, RemotingCommand, SerializeType } from '../../src/index.js';
import { repoRoot } from '../support/repo-root.js';

const main = path.join(repoRoot, '.build', 'src', 'cli', 'main.js');
/** One small frame (the example), as hex. */
const FRAME_HEX = '000000210100001d0000000000000000010000000000000000000000080001610000000162';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Spawns the compiled CLI. `closedStdout`: the parent closes its end of the stdout pipe at once,
 * before the CLI has started, so the CLI's first write meets a reader that is gone.
 */
async function spawnCli(argv: string[], options: { closedStdout?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Exit> {
  const child = spawn(process.execPath, [main, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? withoutNodeDebug() });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (options.closedStdout === true) child.stdout.destroy();
  else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code, signal] = await exited;
  if (!child.stderr.readableEnded) await once(child.stderr, 'end');
  return { code, signal, stdout, stderr };
}

function withoutNodeDebug(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_DEBUG;
  return env;
}

function assertNoStack(text: string): void {
  assert.doesNotMatch(text, /^\s+at /m, `a stack trace: ${text}`);
  assert.doesNotMatch(text, /node:internal|Node\.js v\d/, `Node's crash output: ${text}`);
}

let dir = '';
let bigFile = '';
let contractFile = '';

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rocket-rpc-pipe-'));
  // 20 000 frames decode to ~5 MB of JSON lines: far more than a pipe buffers.
  const frame = encodeCommand(new RemotingCommand({ code: 10, opaque: 1, extFields: new Map([['topic', 'TopicTest']]), body: Buffer.from('body') }), SerializeType.JSON);
  bigFile = path.join(dir, 'frames.bin');
  await writeFile(bigFile, Buffer.concat(Array.from({ length: 20_000 }, () => frame)));
  contractFile = path.join(dir, 'contracts.js');
  const index = pathToFileURL(path.join(repoRoot, '.build', 'src', 'index.js')).href;
  await writeFile(contractFile, `import { defineContract, J, method } from ${JSON.stringify(index)};\nexport const Svc = defineContract('com.acme.Svc', { ping: method([J.String], J.String) });\n`);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('every command writing into an already closed stdout ends quietly with exit code 141', async () => {
  const commands: string[][] = [
    ['frame', 'decode', '--hex', FRAME_HEX],
    ['frame', 'encode', '--json', '{"code":1}'],
    ['--help'],
    ['call', '--help'],
    ['ls', '--contract', contractFile],
    // The demo's provider is still serving when its first line fails to print.
    ['demo', '--port', '0'],
  ];
  for (const argv of commands) {
    const run = await spawnCli(argv, { closedStdout: true });
    assert.deepEqual([run.code, run.signal, run.stderr], [141, null, ''], argv.join(' '));
  }
});

test('`frame decode … | head -c 10` prints the 10 bytes; the CLI ends quietly with exit code 141', async () => {
  // The command through a real shell pipe, with an output far larger than the pipe buffers,
  // so head always exits while the CLI is still writing.
  const script = `"${process.execPath}" "${main}" frame decode --file "${bigFile}" | head -c 10; echo " exit=\${PIPESTATUS[0]}"`;
  const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'], env: withoutNodeDebug() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await once(child, 'close');
  assert.deepEqual([stdout, stderr], ['{"serializ exit=141\n', '']);
});

test('errors are one line on stderr with the documented exit code, never a stack', async () => {
  const cases: Array<[string[], number, RegExp]> = [
    [['nope'], 2, /^rocket-rpc: unknown command 'nope' \(rocket-rpc --help lists the commands\)\n$/],
    [['frame', 'decode', '--hex', 'zz'], 2, /^rocket-rpc frame: bad hex: unexpected "z"\n$/],
    [['call', '127.0.0.1:1'], 2, /^rocket-rpc call: expected ADDR SERVICE METHOD \[ARGS_JSON\] \(rocket-rpc call --help for usage\)\n$/],
    [['ls'], 2, /^rocket-rpc ls: expected ADDR or --contract FILE \(rocket-rpc ls --help for usage\)\n$/],
    [['discover'], 2, /^rocket-rpc discover: expected one SOURCE \(rocket-rpc discover --help for usage\)\n$/],
    [['call', '127.0.0.1:1', 'com.acme.Svc', 'public abstract void com.acme.Svc.x()', '--timeout', '2000'], 1, /^rocket-rpc call: \[CONNECT_FAILED\] [^\n]+\n$/],
    [['ls', '--contract', path.join(dir, 'absent.js')], 2, /^rocket-rpc ls: --contract .*absent\.js: cannot load it: [^\n]+\n$/],
  ];
  for (const [argv, code, stderr] of cases) {
    const run = await spawnCli(argv);
    assert.equal(run.code, code, `${argv.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, stderr);
    assertNoStack(run.stderr);
  }
});

test('an uncaught exception or unhandled rejection during a run is one line `rocket-rpc: <message>` and exit code 1', async () => {
  const throwing = path.join(dir, 'throws-later.js');
  await writeFile(throwing, `export * from ${JSON.stringify(pathToFileURL(contractFile).href)};\nsetTimeout(() => { throw new TypeError('thrown from a timer\\nsecond line'); }, 0);\n`);
  const rejecting = path.join(dir, 'rejects.js');
  await writeFile(rejecting, `export * from ${JSON.stringify(pathToFileURL(contractFile).href)};\nPromise.reject(new Error('nobody handles this'));\n`);
  for (const [file, line] of [
    [throwing, 'rocket-rpc: thrown from a timer second line\n'],
    [rejecting, 'rocket-rpc: nobody handles this\n'],
  ] as const) {
    const run = await spawnCli(['ls', '--contract', file]);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr, line);
  }
});

test('NODE_DEBUG=rocket-rpc adds the stack after the one-line message', async () => {
  const run = await spawnCli(['call', '127.0.0.1:1', 'com.acme.Svc', 'public abstract void com.acme.Svc.x()'], { env: { ...withoutNodeDebug(), NODE_DEBUG: 'rocket-rpc' } });
  assert.equal(run.code, 1);
  const [first, ...rest] = run.stderr.trimEnd().split('\n');
  assert.match(first!, /^rocket-rpc call: \[CONNECT_FAILED\] /);
  assert.ok(rest.some((line) => /^\s+at /.test(line)), run.stderr);
});
