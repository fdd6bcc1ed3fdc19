/**
 * The five attacks of issue 11, each against the provider at `port` over real loopback sockets.
 * Each returns what the attacker saw (paused: its writes stalled; closed: its socket's `close`
 * events and when) — the bench adds the server's RSS and the good client's latencies.
 */
import net from 'node:net';
import { once } from 'node:events';
import { encodeCommand } from '../../src/protocol/frame.js';
import { ResponseCode } from '../../src/protocol/codes.js';
import { buildSeedRequest } from '../../src/rpc/seed-request.js';
import { encodeArgsJsonJson } from '../../src/rpc/args-json.js';
import { RemotingClient } from '../../src/transport/remoting-client.js';
import { ServiceHello } from '../../examples/service-hello/contract.js';
import type { ProviderHandle } from './provider-handle.js';

const MiB = 1024 * 1024;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number): string => (ms / 1000).toFixed(1);

export interface AttackResult {
  /** What happened to the attacker, in words (for the table). */
  attacker: string;
  /** The same, as numbers (for the JSON line). */
  figures: Record<string, number | string>;
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/** Opens `count` connections, `batch` at a time (so the listen backlog is not the thing measured). */
async function connectMany(port: number, count: number, batch = 100): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i += batch) sockets.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - i) }, () => connect(port)))));
  return sockets;
}

/** Resolves with each socket's close time (`performance.now()`), or null for those still open at `deadlineMs`. */
async function closeTimes(sockets: readonly net.Socket[], deadlineMs: number): Promise<Array<number | null>> {
  const times: Array<number | null> = sockets.map(() => null);
  const closed = sockets.map((socket, i) =>
    socket.destroyed && socket.closed ? Promise.resolve() : new Promise<void>((resolve) => socket.once('close', () => {
      times[i] = performance.now();
      resolve();
    })));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, deadlineMs)))]);
  clearTimeout(timer);
  return times;
}

function spread(times: ReadonlyArray<number | null>, from: number): { closed: number; first: number; last: number } {
  const after = times.filter((time): time is number => time !== null).map((time) => time - from);
  return { closed: after.length, first: after.length === 0 ? 0 : Math.min(...after), last: after.length === 0 ? 0 : Math.max(...after) };
}

/** A frame prefix declaring a frame of `total` bytes (prefix included) and a plausible header length. */
function frameStart(total: number, size: number): Buffer {
  const buffer = Buffer.alloc(size);
  buffer.writeInt32BE(total - 4, 0);
  buffer.writeInt32BE(128, 4);
  return buffer;
}

/**
 * 1. One connection sends `calls` sayHello calls whose first argument is `argBytes` long and never
 * reads. Writes wait for 'drain'; no drain for `stallMs` means the server stopped reading.
 */
export async function neverReads(provider: ProviderHandle, calls: number, argBytes: number, stallMs = 3000, holdMs = 5000): Promise<AttackResult> {
  const sayHello = ServiceHello.methodsByKey.get('sayHello')!;
  const frame = encodeCommand(buildSeedRequest(ServiceHello.serviceName, sayHello.signature, encodeArgsJsonJson([JSON.stringify('x'.repeat(argBytes)), '"b"']), { timeoutMs: null }));
  const socket = await connect(provider.port);
  socket.pause();
  const start = performance.now();
  let sent = 0;
  let stalledAt: number | null = null;
  while (sent < calls && !socket.destroyed) {
    const more = socket.write(frame);
    sent++;
    if (more) continue;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([once(socket, 'drain').then(() => true), once(socket, 'close').then(() => false), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), stallMs)))]);
    clearTimeout(timer);
    if (!drained) {
      stalledAt = performance.now() - stallMs - start;
      break;
    }
  }
  // Held like that while the good client keeps calling: is the attacker still paused?
  if (stalledAt !== null) await sleep(holdMs);
  const { stats } = await provider.sample();
  const closed = socket.destroyed;
  socket.destroy();
  const sentMiB = (sent * frame.length) / MiB;
  const attacker = closed
    ? `closed after ${sent} of ${calls} calls`
    : stalledAt === null
      ? `not paused: all ${calls} calls written (${sentMiB.toFixed(0)} MiB)`
      : `writes stalled after ${sent} of ${calls} calls (${sentMiB.toFixed(0)} MiB) at ${seconds(stalledAt)} s; still paused ${seconds(holdMs)} s later (server: ${stats.pausedConnections} paused, ${stats.readPauses} read pauses)`;
  return { attacker, figures: { callsWritten: sent, frameBytes: frame.length, stalledAtMs: stalledAt ?? -1, closed: closed ? 1 : 0, pausedConnections: stats.pausedConnections, readPauses: stats.readPauses } };
}

/** 2. `count` connections each send a `frameBytes` frame minus its last byte, all at once. */
export async function unfinishedFrames(provider: ProviderHandle, count: number, frameBytes: number, deadlineMs: number): Promise<AttackResult> {
  const before = (await provider.sample()).stats;
  const sockets = await connectMany(provider.port, count);
  // One buffer for all: the attacker's own memory is not what is measured.
  const bytes = frameStart(frameBytes, frameBytes - 1);
  const start = performance.now();
  for (const socket of sockets) socket.write(bytes);
  const times = await closeTimes(sockets, deadlineMs);
  const after = (await provider.sample()).stats;
  for (const socket of sockets) socket.destroy();
  const { closed, first, last } = spread(times, start);
  const budget = after.closedByInboundBudget - before.closedByInboundBudget;
  const timeout = after.closedByFrameTimeout - before.closedByFrameTimeout;
  return {
    attacker: `${closed} of ${count} closed: ${budget} by the inbound budget, ${timeout} by the frame timeout; closes from ${seconds(first)} s to ${seconds(last)} s`,
    figures: { connections: count, closed, closedByInboundBudget: budget, closedByFrameTimeout: timeout, firstCloseMs: Math.round(first), lastCloseMs: Math.round(last) },
  };
}

/** 3. `count` connections declare a `frameBytes` frame and send it at `bytesPerSecond` each (every 100 ms). */
export async function trickle(provider: ProviderHandle, count: number, frameBytes: number, bytesPerSecond: number, deadlineMs: number): Promise<AttackResult> {
  const before = (await provider.sample()).stats;
  const sockets = await connectMany(provider.port, count);
  const chunk = Math.round(bytesPerSecond / 10);
  const head = frameStart(frameBytes, 8);
  const filler = Buffer.alloc(chunk, 1);
  const sent = sockets.map(() => 0);
  const start = performance.now();
  for (const socket of sockets) socket.write(head);
  const ticker = setInterval(() => {
    sockets.forEach((socket, i) => {
      if (socket.destroyed || sent[i]! + chunk > frameBytes - 9) return;
      socket.write(filler);
      sent[i]! += chunk;
    });
  }, 100);
  const times = await closeTimes(sockets, deadlineMs);
  clearInterval(ticker);
  const after = (await provider.sample()).stats;
  for (const socket of sockets) socket.destroy();
  const { closed, first, last } = spread(times, start);
  const timeout = after.closedByFrameTimeout - before.closedByFrameTimeout;
  const maxSent = Math.max(...sent) + head.length;
  return {
    attacker: `${closed} of ${count} closed (${timeout} by the frame timeout) from ${seconds(first)} s to ${seconds(last)} s, after ≤ ${(maxSent / MiB).toFixed(1)} MiB each`,
    figures: { connections: count, closed, closedByFrameTimeout: timeout, firstCloseMs: Math.round(first), lastCloseMs: Math.round(last), maxBytesSentEach: maxSent },
  };
}

/** 4. `count` connections each send 3 bytes of a frame header and stop. */
export async function partialHeaders(provider: ProviderHandle, count: number, deadlineMs: number): Promise<AttackResult> {
  const before = (await provider.sample()).stats;
  const sockets = await connectMany(provider.port, count);
  const start = performance.now();
  for (const socket of sockets) socket.write(Buffer.from([0, 0, 1]));
  const during = (await provider.sample()).stats;
  const times = await closeTimes(sockets, deadlineMs);
  const after = (await provider.sample()).stats;
  for (const socket of sockets) socket.destroy();
  const { closed, first, last } = spread(times, start);
  const timeout = after.closedByFrameTimeout - before.closedByFrameTimeout;
  return {
    attacker: `${closed} of ${count} closed (${timeout} by the frame timeout) from ${seconds(first)} s to ${seconds(last)} s; the server had accepted ${during.connections} right after the bytes were written`,
    figures: { connections: count, closed, closedByFrameTimeout: timeout, firstCloseMs: Math.round(first), lastCloseMs: Math.round(last), acceptedAfterWrites: during.connections },
  };
}

/** A remark naming a file: a path separator, a file URL or `name.js:line`. */
export function leaksLocation(remark: string | null): boolean {
  return remark === null || remark.includes('/') || remark.includes('\\') || remark.includes('file:') || /\.[cm]?[jt]s:\d/.test(remark);
}

/** 5. `calls` calls of a method that throws (sayHelloInteger(null, null)), `concurrency` at a time; every remark is checked. */
export async function throwingMethod(provider: ProviderHandle, calls: number, concurrency = 32): Promise<AttackResult> {
  const silent = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const client = new RemotingClient({ logger: silent });
  const method = ServiceHello.methodsByKey.get('sayHelloInteger')!;
  const args = encodeArgsJsonJson(['null', 'null']);
  let systemErrors = 0;
  let leaking = 0;
  let other = 0;
  let sample: string | null = null;
  let next = 0;
  try {
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        next++;
        const answer = await client.invokeSync(provider.addr, buildSeedRequest(ServiceHello.serviceName, method.signature, args, { timeoutMs: null }), 5000);
        if (answer.code !== ResponseCode.SYSTEM_ERROR) other++;
        else systemErrors++;
        if (leaksLocation(answer.remark)) leaking++;
        sample ??= answer.remark;
      }
    }));
  } finally {
    await client.close();
  }
  return {
    attacker: `${systemErrors} of ${calls} answered SYSTEM_ERROR${other > 0 ? ` (${other} otherwise)` : ''}; ${leaking} remarks name a path or file; remark: "${sample ?? ''}"`,
    figures: { calls, systemErrors, otherAnswers: other, remarksWithLocation: leaking, remark: sample ?? '' },
  };
}
