/**
 * A benchmark's server half in a child process (optionally pinned to a core with `taskset`) that
 * reports its CPU time on request, so client and server CPU per call can be told apart.
 *
 * Protocol over the IPC channel: the child sends `{ type: 'ready', port }` once listening; it
 * answers `{ type: 'cpu' }` with `{ type: 'cpu', usage }` (µs) and leaves on `{ type: 'exit' }`.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export type ChildMessage = { type: 'ready'; port: number } | { type: 'cpu'; usage: number };

/** In the child: answers the parent's CPU and exit requests. `close` ends the server. */
export function serveParent(port: number, close: () => Promise<void>): void {
  const send = (message: ChildMessage): void => void process.send?.(message);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'cpu') {
      const usage = process.cpuUsage();
      send({ type: 'cpu', usage: usage.user + usage.system });
    } else if (message.type === 'exit') {
      void close().then(() => process.disconnect());
    }
  });
  send({ type: 'ready', port });
}

export class CpuReportingChild {
  private waiting: ((usage: number) => void) | null = null;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'cpu') this.waiting?.(message.usage);
    });
  }

  /** Runs `node script ...args` with this process's node flags (e.g. `--cpu-prof`), on core 1 when `pinned`. */
  static start(script: string, args: readonly string[], pinned: boolean): Promise<CpuReportingChild> {
    const command = pinned ? 'taskset' : process.execPath;
    const nodeArgv = [...process.execArgv, script, ...args];
    const argv = pinned ? ['-c', '1', process.execPath, ...nodeArgv] : nodeArgv;
    const child = spawn(command, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`the server exited before it was ready (${code})`));
      child.once('exit', onExit);
      child.once('error', reject);
      child.once('message', (message: ChildMessage) => {
        child.off('exit', onExit);
        if (message.type === 'ready') resolve(new CpuReportingChild(child, message.port));
        else reject(new Error(`unexpected first message ${JSON.stringify(message)}`));
      });
    });
  }

  /** The child's CPU time so far, µs. */
  cpu(): Promise<number> {
    return new Promise((resolve) => {
      this.waiting = (usage) => {
        this.waiting = null;
        resolve(usage);
      };
      this.child.send({ type: 'cpu' });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'exit' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

export interface CallSample {
  rate: number;
  clientCpuUs: number;
  serverCpuUs: number;
}

/** Runs `call` in `inFlight` concurrent loops for `ms`; returns calls per second and CPU per call on each side. */
export async function measureCalls(call: () => Promise<void>, inFlight: number, ms: number, server: CpuReportingChild): Promise<CallSample> {
  const serverStart = await server.cpu();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const end = start + ms;
  let done = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      await call();
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  const elapsed = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const serverCpu = (await server.cpu()) - serverStart;
  return { rate: (done * 1000) / elapsed, clientCpuUs: (cpu.user + cpu.system) / done, serverCpuUs: serverCpu / done };
}
