import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const index = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'index.js');

/**
 * Runs a server and a client with the default logger in a fresh process: one good call, then a
 * raw connection sending a frame with a negative length. Returns what the process wrote to stderr.
 */
function stderrOfRun(nodeDebug: string | undefined): string {
  const script = `
    import net from 'node:net';
    const { RemotingClient, RemotingCommand, RemotingServer, ResponseCode } = await import(${JSON.stringify(index)});
    const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
    server.registerProcessor(100, () => RemotingCommand.createResponse(ResponseCode.SUCCESS));
    const { addr, port } = await server.start();
    const client = new RemotingClient();
    await client.invokeSync(addr, RemotingCommand.createRequest(100), 3000);
    const socket = net.connect(port, '127.0.0.1', () => socket.write(Buffer.from([0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0])));
    socket.on('error', () => {});
    await new Promise((resolve) => socket.on('close', resolve));
    await client.close();
    await server.close({ graceMs: 0 });
  `;
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_DEBUG;
  if (nodeDebug !== undefined) env.NODE_DEBUG = nodeDebug;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 20_000 });
  assert.equal(run.status, 0, run.stderr);
  return run.stderr;
}

test('by default only warnings reach stderr; NODE_DEBUG=rocket-rpc adds the debug lines', { timeout: 45_000 }, () => {
  const quiet = stderrOfRun(undefined).split('\n').filter((line) => line !== '');
  assert.equal(quiet.length, 1, quiet.join('\n'));
  assert.match(quiet[0]!, /^\[rocket-rpc\] refused a frame; connection closed .*event: 'frame\.refused'.*reason: 'NEGATIVE_LENGTH'/);

  const verbose = stderrOfRun('rocket-rpc');
  assert.match(verbose, /ROCKET-RPC \d+: connection opened .*event: 'connection\.open'/);
  assert.match(verbose, /ROCKET-RPC \d+: connection closed .*reason: 'closed locally'/);
  assert.match(verbose, /\[rocket-rpc\] refused a frame/);
});
