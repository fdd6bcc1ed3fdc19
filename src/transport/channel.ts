import { EventEmitter, setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { FrameDecoder } from '../protocol/frame-decoder.js';
import { encodeFrame } from '../protocol/frame.js';
import { committedFrame } from '../protocol/frame-slab.js';
import type { RemotingCommand } from '../protocol/command.js';
import { DEFAULT_MAX_FRAME_LENGTH } from '../protocol/codes.js';
import { timerDelay } from './timer-delay.js';
import { bufferView } from '../protocol/buffer-methods.js';
import { ProtocolError } from '../errors.js';
import { countReason, type IoCounters } from '../telemetry/stats.js';

export interface ChannelOptions {
  remoteAddress: string;
  localAddress?: string;
  maxFrameLength?: number;
  /** Close after this long without reads or writes (docs/engine-api.md). 0 disables. */
  maxIdleMs?: number;
  /** Where traffic is counted (the engine's side totals); default: counters of this channel alone. */
  counters?: IoCounters;
}

export interface ChannelEvents {
  command: [command: RemotingCommand];
  idle: [];
  exception: [error: Error];
  close: [error: Error | null];
}

let channelIds = 0;

type WriteCallback = (error: Error | null | undefined) => void;

/**
 * Frames queued in one tick are joined into one buffer up to this size: copying a few KiB costs
 * less than the stream's per-chunk bookkeeping of a `writev`. Bigger batches go out as a `writev`.
 */
const COALESCE_MAX_BYTES = 64 * 1024;

/**
 * A tick's writes are flushed early once this many bytes are queued. Waiting for the end of the
 * tick makes a burst one syscall, but the peer then sits idle while the whole burst is encoded and
 * we sit idle while it answers all of it: with 128 calls in flight the two sides took turns instead
 * of working at once. Flushing the first 8 KiB early lets the peer start on them while the rest are
 * encoded (small calls at 128 in flight: 1.6-2x the calls/s on two cores; bench/engine.ts). Once
 * the peer has work, later flushes in the same tick wait for `COALESCE_MAX_BYTES`, so big frames
 * do not turn into a syscall every few frames.
 */
const EARLY_FLUSH_BYTES = 8 * 1024;

/**
 * One connection: a byte stream (TCP, TLS, or in-memory) plus framing. It decodes incoming frames
 * and hands every command to its owner; writes are queued and flushed once per tick (the first
 * 8 KiB of a burst early), so a burst of calls becomes a few writes (syscalls) instead of one each.
 */
export class Channel extends EventEmitter<ChannelEvents> {
  readonly id = ++channelIds;
  readonly remoteAddress: string;
  readonly localAddress: string;
  private readonly stream: Duplex;
  private readonly decoder: FrameDecoder;
  private readonly maxIdleMs: number;
  private idleTimer: NodeJS.Timeout | null = null;
  /** `performance.now()`: idleness is measured on a monotonic clock, immune to wall-clock steps. */
  private lastActivity = performance.now();
  private queued: Buffer[] = [];
  /** The frames written since the last queued buffer, adjacent in `runMemory[runStart, runEnd)`. */
  private runMemory: Buffer | null = null;
  private runStart = 0;
  private runEnd = 0;
  private queuedBytes = 0;
  private queuedCallbacks: WriteCallback[] | null = null;
  private flushScheduled = false;
  /** Whether this tick's writes were flushed early already (later early flushes wait for more). */
  private flushedEarly = false;
  private closedFlag = false;
  private readonly abortController = new AbortController();
  private signalShared = false;
  private readonly emitCommand: (command: RemotingCommand) => void;
  private commandHandler: ((command: RemotingCommand) => void) | null = null;
  private readonly counters: IoCounters;
  /** Why the channel closed ('closed locally', 'peer closed', 'idle', or the error's message), for logs. */
  closeReason = '';

  constructor(stream: Duplex, options: ChannelOptions) {
    super();
    this.stream = stream;
    this.remoteAddress = options.remoteAddress;
    this.localAddress = options.localAddress ?? '';
    this.decoder = new FrameDecoder({ maxFrameLength: options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH });
    this.maxIdleMs = options.maxIdleMs ?? 0;
    this.counters = options.counters ?? { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0, connectionsOpened: 0, connectionsClosed: 0, framesRefused: new Map(), connectionsRefused: new Map() };
    this.counters.connectionsOpened++;
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    this.emitCommand = (command) => {
      this.counters.framesIn++;
      const handler = this.commandHandler;
      if (handler !== null) handler(command);
      else this.emit('command', command);
    };
    stream.on('error', (error: Error) => this.close(error));
    stream.on('end', () => this.closeBecause('peer closed'));
    stream.on('close', () => this.closeBecause('peer closed'));
    if (this.maxIdleMs > 0) this.armIdleTimer(this.maxIdleMs);
  }

  /**
   * Hands every decoded command to `handler` instead of emitting a 'command' event (the engine's
   * endpoint does this: a direct call costs less than an event per frame). Null restores the event.
   */
  setCommandHandler(handler: ((command: RemotingCommand) => void) | null): void {
    this.commandHandler = handler;
  }

  /**
   * Aborted when the channel closes; processors use it to stop work nobody will read. Every
   * request in progress on the connection may listen to it, so Node's leak warning (at 10
   * listeners) would fire on a busy connection: it is switched off for this signal on first use.
   */
  get signal(): AbortSignal {
    const signal = this.abortController.signal;
    if (!this.signalShared) {
      this.signalShared = true;
      setMaxListeners(0, signal);
    }
    return signal;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /**
   * Encodes and queues a command. Returns false when the channel is closed. Throws `ProtocolError`
   * when the command cannot be encoded (nothing is written then). `onWritten` runs once the bytes
   * are handed to the OS (or with the error if they never are).
   */
  write(command: RemotingCommand, onWritten?: WriteCallback): boolean {
    if (this.closedFlag) return false;
    encodeFrame(command);
    this.counters.framesOut++;
    const { memory, start, end } = committedFrame;
    // Frames encoded back to back lie one after another in memory: extend the run instead of
    // making a Buffer per frame.
    if (memory === this.runMemory && start === this.runEnd) {
      this.runEnd = end;
    } else {
      this.closeRun();
      this.runMemory = memory;
      this.runStart = start;
      this.runEnd = end;
    }
    this.queuedBytes += end - start;
    if (onWritten !== undefined) (this.queuedCallbacks ??= []).push(onWritten);
    if (this.queuedBytes >= (this.flushedEarly ? COALESCE_MAX_BYTES : EARLY_FLUSH_BYTES)) {
      this.flushedEarly = true;
      this.writeQueued();
      return true;
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flush);
    }
    return true;
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    this.flushedEarly = false;
    this.writeQueued();
  };

  /**
   * Hands everything queued to the stream: one buffer (frames encoded back to back already are one
   * run, without a copy), or one corked `writev` for big batches.
   */
  private closeRun(): void {
    if (this.runMemory === null) return;
    this.queued.push(bufferView(this.runMemory, this.runStart, this.runEnd));
    this.runMemory = null;
  }

  private writeQueued(): void {
    this.closeRun();
    const frames = this.queued;
    const bytes = this.queuedBytes;
    const callbacks = this.queuedCallbacks;
    if (frames.length === 0) return;
    this.queued = [];
    this.queuedBytes = 0;
    this.queuedCallbacks = null;
    if (this.closedFlag) {
      // Closed within the tick: these bytes never reach the OS.
      if (callbacks !== null) for (const callback of callbacks) callback(new Error(`channel to ${this.remoteAddress} closed before the write`));
      return;
    }
    this.lastActivity = performance.now();
    this.counters.bytesOut += bytes;
    const done = callbacks === null ? undefined : (error: Error | null | undefined) => {
      // Node reports a write that destroy() cut short as a success (stream_base_commons
      // onWriteComplete); a channel closed before its write completed did not write it.
      const outcome = error ?? (this.closedFlag ? new Error(`channel to ${this.remoteAddress} closed before the write completed`) : null);
      for (const callback of callbacks) callback(outcome);
    };
    if (frames.length === 1) {
      this.stream.write(frames[0], done);
    } else if (bytes <= COALESCE_MAX_BYTES) {
      this.stream.write(Buffer.concat(frames, bytes), done);
    } else {
      this.stream.cork();
      const last = frames.length - 1;
      for (let i = 0; i < last; i++) this.stream.write(frames[i]);
      this.stream.write(frames[last], done);
      this.stream.uncork();
    }
  }

  /** Closes the connection; `error` says why (null: orderly). Idempotent. */
  close(error: Error | null = null): void {
    this.closeBecause(error === null ? 'closed locally' : error.message, error);
  }

  private closeBecause(reason: string, error: Error | null = null): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.closeReason = reason;
    this.counters.connectionsClosed++;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (error !== null) this.emit('exception', error);
    this.stream.destroy();
    this.abortController.abort(error ?? new Error('channel closed'));
    this.emit('close', error);
    this.commandHandler = null;
    this.removeAllListeners('command');
  }

  /** Half-closes after pending writes are flushed, then destroys (graceful shutdown). */
  end(): void {
    if (this.closedFlag) return;
    this.flush();
    this.stream.end(() => this.closeBecause('closed locally'));
  }

  private onData(chunk: Buffer): void {
    this.lastActivity = performance.now();
    this.counters.bytesIn += chunk.length;
    try {
      this.decoder.push(chunk, this.emitCommand);
    } catch (error) {
      // A bad frame: Java logs it and closes the connection, never answering (docs/protocol.md §1).
      countReason(this.counters.framesRefused, error instanceof ProtocolError ? error.reason : 'error');
      this.close(error as Error);
    }
  }

  private armIdleTimer(delayMs: number): void {
    this.idleTimer = setTimeout(() => {
      const idleFor = performance.now() - this.lastActivity;
      if (idleFor >= this.maxIdleMs) {
        this.emit('idle');
        this.closeBecause('idle');
      } else {
        this.armIdleTimer(this.maxIdleMs - idleFor);
      }
    }, timerDelay(delayMs));
    this.idleTimer.unref();
  }
}
