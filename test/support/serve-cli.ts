import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './repo-root.js';

export const cliMain = path.join(repoRoot, '.build', 'src', 'cli', 'main.js');
export const serveFixture = path.join(repoRoot, '.build', 'test', 'fixtures', 'serve-module.js');

/**
 * The compiled `rocket-rpc` CLI as a child process: its stdout and stderr lines are collected, and
 * `line(re)` waits for the first line (seen or still to come) matching `re`.
 */
export class CliProcess {
  readonly child: ChildProcess;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters: Array<{ re: RegExp; resolve: (match: RegExpExecArray) => void }> = [];

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [cliMain, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    for (const [stream, lines] of [[this.child.stdout, this.stdout], [this.child.stderr, this.stderr]] as const) {
      createInterface({ input: stream! }).on('line', (line) => {
        lines.push(line);
        this.#waiters = this.#waiters.filter((waiter) => {
          const match = waiter.re.exec(line);
          if (match !== null) waiter.resolve(match);
          return match === null;
        });
      });
    }
  }

  /** The first output line matching `re`; rejects if the process exits without printing one. */
  line(re: RegExp): Promise<RegExpExecArray> {
    for (const line of [...this.stdout, ...this.stderr]) {
      const match = re.exec(line);
      if (match !== null) return Promise.resolve(match);
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ re, resolve });
      void this.exited.then(({ code, signal }) => reject(new Error(`exited (${signal ?? code}) without printing ${re}:\n${[...this.stdout, ...this.stderr].join('\n')}`)));
    });
  }

  /** Waits for the serving line; returns the address it names. */
  async serving(): Promise<string> {
    const match = await this.line(/^rocket-rpc serve: serving .* on (\S+) \(/);
    return match[1]!;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** For after hooks: SIGKILL by PID if still running, then wait for the exit. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
