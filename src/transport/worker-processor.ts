import { Worker } from 'node:worker_threads';
import { encodeCommand, decodeCommand } from '../protocol/frame.js';
import type { RemotingCommand } from '../protocol/command.js';
import { ExecutorRejectedError } from './errors.js';
import type { RequestProcessor } from './processor.js';

export interface WorkerProcessorOptions {
  /** Worker threads. Default 2. */
  threads?: number;
  /** Requests waiting for a free thread; beyond it callers get `SYSTEM_BUSY [OVERLOAD]`. Default 1000. */
  queueSize?: number;
  /** Name used in errors. */
  name?: string;
}

/** Messages between the pool and its workers: whole frames, so the worker sees a real command. */
export interface WorkerRequest {
  id: number;
  frame: Uint8Array;
}
export interface WorkerReply {
  id: number;
  frame?: Uint8Array | null;
  error?: { name: string; message: string; stack?: string };
}

interface Job {
  id: number;
  frame: Buffer;
  resolve(response: RemotingCommand | null): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

/**
 * A processor that runs CPU-heavy handlers on a pool of worker threads, so they do not stall the
 * event loop that serves every other connection. `moduleUrl` names an ES module whose default
 * export is `(request: RemotingCommand) => RemotingCommand | null | Promise<…>`; requests and
 * responses cross threads as encoded frames.
 */
export class WorkerProcessor implements RequestProcessor {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly queueSize: number;
  private readonly name: string;
  private readonly moduleUrl: string;
  private nextId = 0;
  private closed = false;

  constructor(moduleUrl: URL | string, options: WorkerProcessorOptions = {}) {
    this.moduleUrl = String(moduleUrl);
    this.queueSize = options.queueSize ?? 1000;
    this.name = options.name ?? `workers(${this.moduleUrl})`;
    const threads = options.threads ?? 2;
    for (let i = 0; i < threads; i++) this.slots.push(this.spawn());
  }

  processRequest(request: RemotingCommand): Promise<RemotingCommand | null> {
    if (this.closed) return Promise.reject(new ExecutorRejectedError(this.name));
    const idle = this.slots.find((slot) => slot.job === null);
    if (idle === undefined && this.queue.length >= this.queueSize) return Promise.reject(new ExecutorRejectedError(this.name));
    return new Promise((resolve, reject) => {
      const job: Job = { id: ++this.nextId, frame: encodeCommand(request), resolve, reject };
      if (idle !== undefined) this.dispatch(idle, job);
      else this.queue.push(job);
    });
  }

  /** Stops the threads; waiting and running requests fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new ExecutorRejectedError(this.name));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: { moduleUrl: this.moduleUrl } });
    // Idle workers must not keep the process alive; a running job keeps it referenced.
    worker.unref();
    const slot: Slot = { worker, job: null };
    worker.on('message', (reply: WorkerReply) => this.onReply(slot, reply));
    worker.on('error', (error) => this.onWorkerExit(slot, error));
    worker.on('exit', (code) => this.onWorkerExit(slot, new Error(`worker exited with code ${code}`)));
    return slot;
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    const message: WorkerRequest = { id: job.id, frame: job.frame };
    // Cloned, not transferred: small frames live in Node's shared Buffer pool, which must not be detached.
    slot.worker.postMessage(message);
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const job = slot.job;
    if (job === null || job.id !== reply.id) return;
    this.finish(slot);
    if (reply.error !== undefined) {
      const error = new Error(reply.error.message);
      error.name = reply.error.name;
      if (reply.error.stack !== undefined) error.stack = reply.error.stack;
      job.reject(error);
    } else {
      job.resolve(reply.frame ? decodeCommand(Buffer.from(reply.frame.buffer, reply.frame.byteOffset, reply.frame.byteLength)) : null);
    }
  }

  private finish(slot: Slot): void {
    slot.job = null;
    const next = this.queue.shift();
    if (next !== undefined) this.dispatch(slot, next);
    else slot.worker.unref();
  }

  private onWorkerExit(slot: Slot, error: Error): void {
    const job = slot.job;
    slot.job = null;
    job?.reject(error);
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    if (!this.closed) {
      const replacement = this.spawn();
      this.slots.push(replacement);
      const next = this.queue.shift();
      if (next !== undefined) this.dispatch(replacement, next);
    }
  }
}
