// Entry of a `serve --workers N` worker process (forked by serveCluster through node:cluster).
// It serves the module on the shared port and leaves registration and signals to the primary:
// SIGINT/SIGTERM are ignored here (a Ctrl-C reaches the whole process group; the primary decides),
// a stop message closes gracefully, and node:cluster exits the worker if the primary dies.
import { WORKER_CONFIG_ENV, type StopMessage, type WorkerConfig, type WorkerMessage } from './cluster-messages.js';
import { serveProvider, type RunningProvider } from './serve-provider.js';

const send = (message: WorkerMessage): void => void process.send?.(message);
const ignore = (): void => undefined;
process.on('SIGINT', ignore);
process.on('SIGTERM', ignore);

let running: RunningProvider | undefined;
let stopRequested = false;

async function stop(): Promise<void> {
  stopRequested = true;
  if (running === undefined) return;
  await running.close();
  process.exit(0);
}

process.on('message', (message: StopMessage) => {
  if (message?.type === 'rocket-rpc:stop') void stop();
});

try {
  const config = JSON.parse(process.env[WORKER_CONFIG_ENV] ?? 'null') as WorkerConfig | null;
  if (config === null) throw new Error(`${WORKER_CONFIG_ENV} is not set: this file is started by serveCluster()`);
  running = await serveProvider(config);
  send({ type: 'rocket-rpc:serving', host: running.host, port: running.port, services: running.services, ...(running.metricsUrl === undefined ? {} : { metricsUrl: running.metricsUrl }) });
  if (stopRequested) await stop();
} catch (error) {
  const err = error as Error & { code?: string };
  const failed: WorkerMessage = { type: 'rocket-rpc:failed', message: `${err.code === undefined ? '' : `[${err.code}] `}${err.message}` };
  // Exit only once the message has left: the primary reports it as the reason serving failed.
  if (process.send === undefined) process.exit(1);
  else process.send(failed, () => process.exit(1));
}
