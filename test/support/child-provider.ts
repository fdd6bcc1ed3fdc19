import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'discovery', 'fixtures');

/**
 * A provider in another process, so a test can crash it for real (kill -9 by the PID it started).
 * `ChildProvider.node(fixture, args)` runs a script of test/discovery/fixtures with this Node.
 */
export class ChildProvider {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  #output = '';

  static node(fixture: string, args: readonly string[], env?: NodeJS.ProcessEnv): ChildProvider {
    return new ChildProvider(process.execPath, [path.join(fixtures, fixture), ...args], env);
  }

  /** Any command, e.g. `ip netns exec NS node …` (which execs, so the PID is the provider's). */
  constructor(command: string, args: readonly string[], env?: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env === undefined ? process.env : { ...process.env, ...env } });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Resolves when the child printed `line`; rejects if it exits first. */
  waitFor(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.#output.includes(line + '\n')) {
          cleanup();
          resolve();
        }
      };
      const onExit = (code: number | null): void => {
        cleanup();
        if (this.#output.includes(line + '\n')) resolve();
        else reject(new Error(`provider exited (${code}) before printing '${line}':\n${this.#output}`));
      };
      const cleanup = (): void => {
        this.child.stdout?.off('data', check);
        this.child.off('exit', onExit);
      };
      this.child.stdout?.on('data', check);
      this.child.once('exit', onExit);
      check();
    });
  }

  /** Writes a line to the child's standard input. */
  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  /** kill -9 by the PID this test started. */
  async crash(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM by the PID this test started; resolves with the exit code once it has exited. */
  async terminate(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}
