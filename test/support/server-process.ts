import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Real servers for the discovery tests (etcd, ZooKeeper, dnsmasq), started by the tests on free
 * loopback ports and stopped by the PID they started. `scripts/test-servers.mjs ensure` installs them
 * (as root); where they are missing and could not have been installed the tests skip, saying why.
 */
export interface ServerBinary {
  readonly what: string;
  readonly paths: readonly string[];
  readonly file?: boolean;
}

export const ETCD: ServerBinary = { what: 'etcd', paths: ['/usr/bin/etcd'] };
export const ZOOKEEPER: ServerBinary = { what: 'zookeeper', paths: ['/usr/share/java/zookeeper.jar'], file: true };
export const DNSMASQ: ServerBinary = { what: 'dnsmasq', paths: ['/usr/sbin/dnsmasq'] };
export const JAVA: ServerBinary = { what: 'java', paths: ['/usr/bin/java'] };

export function locate(binary: ServerBinary): string | undefined {
  return binary.paths.find((p) => {
    try {
      accessSync(p, binary.file === true ? constants.R_OK : constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Why a test needing `binaries` must skip, or undefined when it can run. As root (and not opted out
 * with ROCKET_RPC_NO_INSTALL) a missing server is not a reason to skip: `npm test` installs it, so
 * the test runs and fails loudly if it is still missing.
 */
export function skipReason(...binaries: ServerBinary[]): string | undefined {
  const missing = binaries.filter((binary) => locate(binary) === undefined).map((binary) => binary.what);
  if (missing.length === 0) return undefined;
  if (isRoot() && !process.env.ROCKET_RPC_NO_INSTALL) return undefined;
  const why = isRoot() ? 'ROCKET_RPC_NO_INSTALL is set' : 'not root, so npm test could not install it';
  return `${missing.join(', ')} not installed (${why}); as root run: node scripts/test-servers.mjs ensure`;
}

export function requireBinary(binary: ServerBinary): string {
  const found = locate(binary);
  if (found === undefined) throw new Error(`${binary.what} is not installed (looked in ${binary.paths.join(', ')}); run: node scripts/test-servers.mjs ensure`);
  return found;
}

/** A port nobody listens on right now (the OS picks it; the caller binds it next). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A child process this test started: its output goes to a log file, it is stopped by its PID. */
export class ServerProcess {
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #exitedYet = false;

  constructor(command: string, args: readonly string[], options: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv }) {
    this.logFile = options.logFile;
    const log = createWriteStream(options.logFile);
    this.child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.pipe(log, { end: false });
    this.child.stderr?.pipe(log, { end: false });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.#exitedYet = true;
        // The output pipes may still hold data: close the log only after they drain.
        let open = 2;
        const done = (): void => {
          if (--open === 0) log.end();
        };
        if (this.child.stdout?.readableEnded !== false) done();
        else this.child.stdout.once('end', done);
        if (this.child.stderr?.readableEnded !== false) done();
        else this.child.stderr.once('end', done);
        resolve({ code, signal });
      });
    });
    // A spawn failure (ENOENT) surfaces through `exited` and the readiness check, not as a crash.
    this.child.once('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.#exitedYet && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The end of the log, for failure messages. */
  tail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. Resolves when it has exited. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) {
      await this.exited;
      return;
    }
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.running) this.child.kill('SIGKILL');
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** kill -9: a crash, no clean-up by the server. */
  async crash(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/**
 * Polls `check` until it says ready. Each attempt is a real request to the server; between attempts
 * the wait is short and bounded by the deadline. Fails early, with the server's log, if it exits.
 */
export async function waitUntilReady(what: string, check: () => Promise<boolean>, server: ServerProcess, deadlineMs = 30_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 0; ; attempt++) {
    if (!server.running) throw new Error(`${what} exited before it was ready:\n${server.tail()}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${deadlineMs} ms:\n${server.tail()}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(200, 10 * 2 ** attempt)));
  }
}
