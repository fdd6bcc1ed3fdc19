/**
 * Raw TCP peers for wire-level tests: a "Java" server or client written directly on node:net that
 * sends exact bytes (e.g. the captured Java frames in test/fixtures/java-vectors.json) and records every frame it
 * receives, undecoded, so tests can compare bytes.
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import { once } from 'node:events';
import type { TestContext } from 'node:test';
import { decodeCommand, encodeCommand } from '../../src/protocol/frame.js';
import { RemotingCommand } from '../../src/protocol/command.js';
import { SerializeType } from '../../src/protocol/codes.js';
import { vector } from './java-vectors.js';

/** The exact bytes of a vector's frame. */
export function vectorFrame(name: string): Buffer {
  return Buffer.from(vector(name).frameHex, 'hex');
}

/**
 * The command a vector describes, ready to send: explicit opaque (so the bytes compare), the
 * oneway bit cleared (invokeOneway sets it), ext fields in the vector's order.
 */
export function vectorCommand(name: string): RemotingCommand {
  const v = vector(name);
  const c = v.command;
  return new RemotingCommand({
    code: c.code,
    language: c.language,
    version: c.version,
    opaque: c.opaque,
    flag: c.flag & ~2,
    remark: c.remark,
    extFields: c.extFields === null ? null : new Map(Object.entries(c.extFields)),
    body: c.bodyHex === null ? null : Buffer.from(c.bodyHex, 'hex'),
    serializeType: v.serializeType === 'JSON' ? SerializeType.JSON : SerializeType.ROCKETMQ,
  });
}

export function frameOf(command: RemotingCommand, type?: SerializeType): Buffer {
  return encodeCommand(command, type);
}

/**
 * One raw connection. Incoming bytes are cut into whole frames by their length prefix (no header
 * decoding, so a test sees exactly what the engine wrote).
 */
export class RawPeer {
  readonly socket: net.Socket;
  readonly frames: Buffer[] = [];
  /** Resolves when the socket is fully closed (by either side). */
  readonly closed: Promise<void>;
  private buffered: Buffer = Buffer.alloc(0);
  private taken = 0;
  private waiters: Array<() => void> = [];
  private ended = false;

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {
      // a reset by the peer is one of the things these tests provoke; 'close' follows
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.ended = true;
        this.wake();
        resolve();
      }),
    );
  }

  get isClosed(): boolean {
    return this.ended;
  }

  write(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  /** The next frame not yet taken; rejects if the connection closes first. */
  async nextFrame(): Promise<Buffer> {
    while (this.taken >= this.frames.length) {
      if (this.ended) throw new Error(`connection closed after ${this.frames.length} frames`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.frames[this.taken++]!;
  }

  async nextCommand(): Promise<RemotingCommand> {
    return decodeCommand(await this.nextFrame());
  }

  /** Every frame received until the connection closed. */
  async framesUntilClosed(): Promise<Buffer[]> {
    await this.closed;
    return this.frames;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const total = 4 + this.buffered.readInt32BE(0);
      if (this.buffered.length < total) break;
      this.frames.push(Buffer.from(this.buffered.subarray(0, total)));
      this.buffered = this.buffered.subarray(total);
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** A raw client connected to `port` on 127.0.0.1, destroyed after the test. */
export async function rawConnect(t: TestContext, port: number): Promise<RawPeer> {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  t.after(() => {
    socket.destroy();
  });
  await once(socket, 'connect');
  return new RawPeer(socket);
}

export interface RawServer {
  server: net.Server;
  port: number;
  addr: string;
  /** Every connection accepted so far, in order. */
  readonly peers: RawPeer[];
  /** The n-th accepted connection (0-based), waiting for it if needed. */
  peer(index: number): Promise<RawPeer>;
}

/**
 * A raw server on 127.0.0.1:0 (a stand-in for a Java peer); it and all its connections are
 * destroyed after the test. `onPeer` runs for each connection before any data is read.
 */
export async function rawServer(t: TestContext, onPeer?: (peer: RawPeer) => void): Promise<RawServer> {
  const peers: RawPeer[] = [];
  let waiters: Array<() => void> = [];
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const peer = new RawPeer(socket);
    peers.push(peer);
    onPeer?.(peer);
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  });
  t.after(async () => {
    for (const peer of peers) peer.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  server.listen({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return {
    server,
    port,
    addr: `127.0.0.1:${port}`,
    peers,
    async peer(index: number): Promise<RawPeer> {
      while (peers.length <= index) await new Promise<void>((resolve) => waiters.push(resolve));
      return peers[index]!;
    },
  };
}

/**
 * A frame with a JSON header given as text, exactly as a Java peer would write it (fastjson:
 * alphabetical keys, no spaces); built by hand so tests do not depend on our own encoder.
 */
export function jsonFrame(header: string, body?: Buffer): Buffer {
  const headerBytes = Buffer.from(header, 'utf8');
  const bodyLength = body?.length ?? 0;
  const frame = Buffer.alloc(8 + headerBytes.length + bodyLength);
  frame.writeInt32BE(4 + headerBytes.length + bodyLength, 0);
  frame.writeUInt32BE(headerBytes.length, 4);
  headerBytes.copy(frame, 8);
  body?.copy(frame, 8 + headerBytes.length);
  return frame;
}

/** The header type byte of a raw frame: 0 = JSON, 1 = ROCKETMQ. */
export function frameType(frame: Buffer): number {
  return frame[4]!;
}

/**
 * A TCP connector for `RemotingClient` whose incoming bytes can be held back and then delivered
 * in one synchronous step. That puts the moment a response is *read* under the test's control,
 * e.g. exactly when a call's timer is due, independently of when the bytes arrived.
 */
export class GatedConnector {
  private holding = false;
  private held: Array<Buffer | null> = [];
  private stream: Duplex | null = null;
  private waiters: Array<() => void> = [];

  readonly connector = (addr: string): Promise<Duplex> => {
    const colon = addr.lastIndexOf(':');
    const socket = net.connect({ host: addr.slice(0, colon), port: Number(addr.slice(colon + 1)), noDelay: true });
    const stream = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        socket.write(chunk, callback);
      },
      final(callback) {
        socket.end();
        callback();
      },
      destroy(error, callback) {
        socket.destroy();
        callback(error);
      },
    });
    this.stream = stream;
    socket.on('data', (chunk: Buffer) => this.deliver(chunk));
    socket.on('end', () => this.deliver(null));
    socket.on('error', (error) => stream.destroy(error));
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(stream));
      socket.once('error', reject);
    });
  };

  /** From now on, keep incoming bytes (and end of stream) instead of delivering them. */
  hold(): void {
    this.holding = true;
  }

  /** Bytes held so far. */
  get heldBytes(): number {
    return this.held.reduce((sum, chunk) => sum + (chunk?.length ?? 0), 0);
  }

  get heldEnd(): boolean {
    return this.held.includes(null);
  }

  /** Resolves once the held bytes satisfy `predicate`. */
  async heldUntil(predicate: () => boolean): Promise<void> {
    while (!predicate()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Delivers everything held, synchronously, and stops holding. */
  release(): void {
    this.holding = false;
    const held = this.held;
    this.held = [];
    for (const chunk of held) this.stream!.push(chunk);
  }

  private deliver(chunk: Buffer | null): void {
    if (this.holding) {
      this.held.push(chunk);
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    } else {
      this.stream?.push(chunk);
    }
  }
}
