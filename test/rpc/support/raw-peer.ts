import net from 'node:net';
import { once } from 'node:events';
import { decodeCommand, type RemotingCommand } from '../../../src/index.js';

/** A frame read off a raw socket: its bytes and what they decode to. */
export interface RawFrame {
  bytes: Buffer;
  command: RemotingCommand;
}

/**
 * A bare TCP connection that writes chosen bytes and collects whole frames, playing the Java peer
 * whose bytes the vectors captured.
 */
export class RawConnection {
  readonly frames: RawFrame[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.wake());
  }

  static async connect(port: number): Promise<RawConnection> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    return new RawConnection(socket);
  }

  static wrap(socket: net.Socket): RawConnection {
    return new RawConnection(socket);
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next frame (in arrival order); rejects if the socket closes first. */
  async nextFrame(): Promise<RawFrame> {
    while (this.frames.length === 0) {
      if (this.socket.destroyed || this.socket.readableEnded) throw new Error('socket closed before a frame arrived');
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.frames.shift()!;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4 && this.buffer.length >= this.buffer.readInt32BE(0) + 4) {
      const bytes = Buffer.from(this.buffer.subarray(0, this.buffer.readInt32BE(0) + 4));
      this.buffer = this.buffer.subarray(bytes.length);
      this.frames.push({ bytes, command: decodeCommand(bytes) });
    }
    this.wake();
  }

  private buffer: Buffer = Buffer.alloc(0);

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** A TCP server on 127.0.0.1:0 handing each accepted connection to `onConnection`. */
export async function rawServer(onConnection: (connection: RawConnection) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onConnection(RawConnection.wrap(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
