import { parentPort, workerData } from 'node:worker_threads';
import { decodeCommand, encodeCommand } from '../protocol/frame.js';
import type { RemotingCommand } from '../protocol/command.js';
import type { WorkerReply, WorkerRequest } from './worker-processor.js';

type Handler = (request: RemotingCommand) => RemotingCommand | null | undefined | Promise<RemotingCommand | null | undefined>;

const { moduleUrl } = workerData as { moduleUrl: string };
const handler = ((await import(moduleUrl)) as { default: Handler }).default;
if (typeof handler !== 'function') throw new TypeError(`${moduleUrl} has no default-exported handler function`);

parentPort!.on('message', (message: WorkerRequest) => {
  void handle(message);
});

async function handle({ id, frame }: WorkerRequest): Promise<void> {
  let reply: WorkerReply;
  try {
    const request = decodeCommand(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
    const response = (await handler(request)) ?? null;
    reply = { id, frame: response === null ? null : encodeCommand(response) };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    reply = { id, error: { name: err.name, message: err.message, stack: err.stack } };
  }
  parentPort!.postMessage(reply);
}
