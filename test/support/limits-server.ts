/**
 * Drives test/fixtures/limits-server-process.ts: a RemotingServer in a child process, so attack
 * tests read the server's own RSS, counters and per-connection state. Killed after the test.
 */
import net from 'node:net';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import type { RemotingServerOptions, RemotingServerStats } from '../../src/transport/remoting-server.js';
import { RemotingClient } from '../../src/transport/remoting-client.js';
import { RemotingCommand } from '../../src/protocol/command.js';

const fixture = fileURLToPath(new URL('../fixtures/limits-server-process.js', import.meta.url));

export const ECHO_CODE = 1;
export const HELLO_CODE = 2;

export interface LimitsStats extends RemotingServerStats {
  rss: number;
  peakRss: number;
  echoed: number;
  peakQueuedOutbound: number;
  channels: Array<{ paused: boolean; queuedOutbound: number; held: number }>;
}

export interface LimitsServer {
  port: number;
  addr: string;
  /** Lines the server logged (`log <level> <message>`), without the prefix. */
  readonly logs: string[];
  stats(): Promise<LimitsStats>;
  /** Polls `stats()` (every 10 ms) until `predicate` holds; fails after `timeoutMs`. */
  until(predicate: (stats: LimitsStats) => boolean, timeoutMs: number, what: string): Promise<LimitsStats>;
}

export async function startLimitsServer(t: TestContext, options: RemotingServerOptions): Promise<LimitsServer> {
  const child = spawn(process.execPath, ['--enable-source-maps', fixture, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  t.after(async () => {
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  });
  const logs: string[] = [];
  const statsWaiters: Array<(stats: LimitsStats) => void> = [];
  let listening: (port: number) => void;
  const port = new Promise<number>((resolve) => (listening = resolve));
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    const parts = (partial + text).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      if (line.startsWith('listening ')) listening(Number(line.slice('listening '.length)));
      else if (line.startsWith('log ')) logs.push(line.slice(4));
      else if (line.startsWith('stats ')) statsWaiters.shift()?.(JSON.parse(line.slice(6)) as LimitsStats);
    }
  });
  const bound = await Promise.race([port, exited.then(() => Promise.reject(new Error('limits server exited before listening')))]);
  const stats = (): Promise<LimitsStats> => new Promise((resolve) => {
    statsWaiters.push(resolve);
    child.stdin.write('stats\n');
  });
  const until = async (predicate: (stats: LimitsStats) => boolean, timeoutMs: number, what: string): Promise<LimitsStats> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = await stats();
      if (predicate(current)) return current;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last stats ${JSON.stringify({ ...current, channels: current.channels.length })}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { port: bound, addr: `127.0.0.1:${bound}`, logs, stats, until };
}

/** A raw TCP connection to the server, destroyed after the test. */
export async function rawConnection(t: TestContext, port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  t.after(() => {
    socket.destroy();
  });
  await once(socket, 'connect');
  return socket;
}

/** Resolves with the ms from `start` (a `Date.now()`) to the socket's close, reset or not. */
export async function closedAfter(socket: net.Socket, start: number): Promise<number> {
  if (!socket.destroyed) await new Promise((resolve) => socket.once('close', resolve));
  return Date.now() - start;
}

/**
 * A well-behaved caller on its own connection: calls `hello` every `everyMs` until stopped and
 * records each call's latency; any failure is kept and rethrown by `stop()`.
 */
export function goodCaller(t: TestContext, addr: string, timeoutMs: number, everyMs = 20): { answeredMore(count: number): Promise<void>; stop(): Promise<number[]> } {
  const client = new RemotingClient({ logger: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } });
  t.after(() => client.close());
  const latencies: number[] = [];
  let failure: unknown = null;
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const begin = Date.now();
      try {
        const answer = await client.invokeSync(addr, RemotingCommand.createRequest(HELLO_CODE, { extFields: new Map([['i', String(i)]]) }), timeoutMs);
        const text = answer.body === null ? '' : Buffer.from(answer.body).toString();
        if (text !== `hello ${i}`) throw new Error(`call ${i} answered ${JSON.stringify(text)}`);
      } catch (error) {
        failure = error;
        return;
      }
      latencies.push(Date.now() - begin);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    /** Resolves once `count` more calls have been answered from now (fails if the caller failed). */
    async answeredMore(count: number) {
      const target = latencies.length + count;
      while (latencies.length < target) {
        if (failure !== null) throw failure;
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    },
    async stop() {
      running = false;
      await loop;
      if (failure !== null) throw failure;
      return latencies;
    },
  };
}

/** A frame header (length prefix) declaring `length` bytes after it, for frames never finished. */
export function declaredFrameHead(length: number): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(length, 0);
  return head;
}
