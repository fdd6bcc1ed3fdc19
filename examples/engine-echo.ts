// The raw remoting engine on its own: a server routing request codes to processors, a client
// calling it sync, async (callback) and oneway. Run: node .build/examples/engine-echo.js
import { pathToFileURL } from 'node:url';
import { Executor, RemotingClient, RemotingCommand, RemotingServer, ResponseCode } from '../src/index.js';

const ECHO = 100;
const LOG = 101;

export async function main(log: (line: string) => void = console.log): Promise<void> {
  const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
  // Each business line gets its own bounded executor, like a per-code Java thread pool.
  server.registerProcessor(ECHO, (request) => RemotingCommand.createResponse(ResponseCode.SUCCESS, null, { body: request.body }), new Executor({ name: 'echo', concurrency: 16, queueSize: 1000 }));
  const logged = new Promise<string>((resolve) => {
    server.registerProcessor(LOG, (request) => {
      resolve(request.getExt('line') ?? '');
    });
  });
  const { addr } = await server.start();
  const client = new RemotingClient();
  try {
    const response = await client.invokeSync(addr, RemotingCommand.createRequest(ECHO, { body: Buffer.from('ping') }), 3000);
    log(`sync: code ${response.code}, body ${Buffer.from(response.body ?? []).toString()}`);

    const viaCallback = await new Promise<string>((resolve) => {
      client.invokeAsync(addr, RemotingCommand.createRequest(ECHO, { body: Buffer.from('pong') }), 3000, (future) => {
        resolve(future.response ? Buffer.from(future.response.body ?? []).toString() : `failed: ${future.error?.message}`);
      });
    });
    log(`async: ${viaCallback}`);

    await client.invokeOneway(addr, RemotingCommand.createRequest(LOG, { extFields: { line: 'hello' } }), 3000);
    log(`oneway delivered: ${await logged}`);

    const unknown = await client.invokeSync(addr, RemotingCommand.createRequest(999), 3000);
    log(`unknown code: ${unknown.code} "${unknown.remark}"`);
  } finally {
    await client.close();
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
