/**
 * Runs the server fixture (test/fixtures/transport-server-process.ts, compiled beside this file) in
 * a child process, so a test can kill it with SIGKILL by PID. The child is killed after the test in
 * any case, and exits by itself when its stdin closes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

const fixture = fileURLToPath(new URL('../fixtures/transport-server-process.js', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  addr: string;
  /** Lines the child printed so far. */
  readonly lines: string[];
  /** Resolves when `count` lines matching `pattern` have been printed. */
  linesMatching(pattern: RegExp, count: number): Promise<void>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
}

export async function startServerProcess(t: TestContext): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--enable-source-maps', fixture], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  const lines: string[] = [];
  let waiters: Array<() => void> = [];
  let partial = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (text: string) => {
    const parts = (partial + text).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  });
  child.stdout!.on('end', () => {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  });
  const linesMatching = async (pattern: RegExp, count: number): Promise<void> => {
    while (lines.filter((line) => pattern.test(line)).length < count) {
      if (child.stdout!.readableEnded) throw new Error(`server process ended after ${lines.length} lines`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  await linesMatching(/^listening \d+$/, 1);
  const port = Number(lines.find((line) => line.startsWith('listening '))!.slice('listening '.length));
  return { child, pid: child.pid!, port, addr: `127.0.0.1:${port}`, lines, linesMatching, exited };
}
