/**
 * The raw baselines' server: plain node:net, `[u32 length][u32 id][payload]` frames, every request
 * answered with a new frame carrying the same id and payload. The answers to one read are written
 * with one `write`, or with the first `earlyFlushBytes` of them early and then one per
 * `laterFlushBytes` (the write policy of rocket-rpc's channel), which is what a careful hand-written
 * server does.
 */
import net from 'node:net';
import { encodeRawFrame, RawFrameReader } from '../engine-raw-framing.js';
import { serve } from './control.js';

export function serveRaw(earlyFlushBytes: number, laterFlushBytes: number): void {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    const reader = new RawFrameReader();
    let replies: Buffer[] = [];
    let replyBytes = 0;
    let flushedEarly = false;
    const flushReplies = (): void => {
      socket.write(replies.length === 1 ? replies[0]! : Buffer.concat(replies));
      replies = [];
      replyBytes = 0;
    };
    const onFrame = (id: number, payload: Buffer): void => {
      const frame = encodeRawFrame(id, payload);
      replies.push(frame);
      replyBytes += frame.length;
      if (replyBytes >= (flushedEarly ? laterFlushBytes : earlyFlushBytes)) {
        flushedEarly = true;
        flushReplies();
      }
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk, onFrame);
      } catch (error) {
        socket.destroy(error as Error);
        return;
      }
      flushedEarly = false;
      if (replies.length > 0) flushReplies();
    });
    socket.on('error', () => socket.destroy());
  });

  serve({
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port: 0 }, () => resolve((server.address() as net.AddressInfo).port));
      }),
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  });
}
