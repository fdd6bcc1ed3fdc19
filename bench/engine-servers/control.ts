/**
 * The control channel between the engine benchmark and one of its server processes (Node IPC):
 *
 *   server → bench  { type: 'ready', port }            once listening on 127.0.0.1
 *   bench → server  { type: 'cpu', id }                → { type: 'cpu', id, user, system } (µs, cumulative)
 *   bench → server  { type: 'exit' }                   close and exit (so a --cpu-prof profile is written)
 *
 * A server also exits when the channel disconnects, so it never outlives the benchmark.
 */

export type ControlRequest = { type: 'cpu'; id: number } | { type: 'exit' };
export type ControlReply = { type: 'ready'; port: number } | { type: 'cpu'; id: number; user: number; system: number };

export interface ServeOptions {
  /** Starts listening on 127.0.0.1; resolves with the port. */
  start(): Promise<number>;
  /** Stops serving; bounded by the caller. */
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 3000;

export function serve(options: ServeOptions): void {
  if (process.send === undefined) {
    console.error('engine bench server: start me from bench/engine.ts (needs an IPC channel)');
    process.exit(2);
  }
  const send = (reply: ControlReply): void => {
    process.send?.(reply);
  };
  let exiting = false;
  const exit = (code: number): void => {
    if (exiting) return;
    exiting = true;
    const force = setTimeout(() => process.exit(code), STOP_TIMEOUT_MS);
    force.unref();
    options.stop().then(
      () => process.exit(code),
      (error: unknown) => {
        console.error('engine bench server: stop failed', error);
        process.exit(1);
      },
    );
  };
  process.on('message', (message: ControlRequest) => {
    if (message.type === 'cpu') {
      const usage = process.cpuUsage();
      send({ type: 'cpu', id: message.id, user: usage.user, system: usage.system });
    } else if (message.type === 'exit') {
      exit(0);
    }
  });
  process.on('disconnect', () => exit(0));
  process.on('SIGTERM', () => exit(0));
  process.on('SIGINT', () => exit(0));
  options.start().then(
    (port) => send({ type: 'ready', port }),
    (error: unknown) => {
      console.error('engine bench server: start failed', error);
      process.exit(1);
    },
  );
}
