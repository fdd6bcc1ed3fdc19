// The engine's connection limits (docs/guarantees.md): a server with the write marks, the cap on
// requests in progress, the frame timeout, the inbound budget and maxConnections, and what its
// `stats()` counts when a peer sends half a frame and stops. Run: node .build/examples/connection-limits.js
import net from 'node:net';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { RemotingClient, RemotingCommand, RemotingServer, ResponseCode } from '../src/index.js';

const ECHO = 100;

export async function main(log: (line: string) => void = console.log): Promise<void> {
  const quiet = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const server = new RemotingServer({
    host: '127.0.0.1',
    port: 0,
    logger: quiet,
    writeHighWaterMark: 1024 * 1024,
    writeLowWaterMark: 512 * 1024,
    maxRequestsInProgress: 1024,
    frameTimeoutMs: 200, // 30 000 by default; short here so the example ends quickly
    inboundBudgetBytes: 128 * 1024 * 1024,
    maxConnections: 100,
  });
  server.registerProcessor(ECHO, (request) => RemotingCommand.createResponse(ResponseCode.SUCCESS, null, { body: request.body }));
  const { addr, port } = await server.start();
  const client = new RemotingClient({ logger: quiet });
  try {
    const response = await client.invokeSync(addr, RemotingCommand.createRequest(ECHO, { body: Buffer.from('ping') }), 3000);
    log(`echo: ${Buffer.from(response.body ?? []).toString()}`);

    // A peer that sends three bytes of a frame header and stops is closed within the frame timeout.
    const stalled = net.connect({ host: '127.0.0.1', port });
    await once(stalled, 'connect');
    stalled.write(Buffer.from([0, 0, 1]));
    await once(stalled, 'close');
    const { closedByFrameTimeout, connections, connectionsRefused, inboundBytesHeld } = server.stats();
    log(`closed by frame timeout: ${closedByFrameTimeout}; open: ${connections}; refused: ${connectionsRefused}; held: ${inboundBytesHeld}`);
  } finally {
    await client.close();
    await server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
