/**
 * The client side of each system the engine benchmark compares. Each keeps one connection to its
 * server and offers `call()`: send the current payload, resolve when the echo is back (checked).
 */
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { RemotingCommand, ResponseCode, SerializeType } from '../src/protocol/index.js';
import { RemotingClient } from '../src/transport/index.js';
import { EXT_FIELDS, EXT_OBJECT, makeBody, makeRawPayload, REQUEST_CODE, type PayloadName } from './engine-payloads.js';
import { encodeRawFrame, RAW_EARLY_FLUSH_BYTES, RAW_LATER_FLUSH_BYTES, RawFrameReader } from './engine-raw-framing.js';
import { loadEchoService, type EchoClient, type EchoReply, type EchoRequest } from './engine-grpc-service.js';

export type SystemName = 'raw' | 'raw-tick' | 'rocket-json' | 'rocket-rocketmq' | 'grpc';
export const SYSTEM_NAMES: readonly SystemName[] = ['raw', 'raw-tick', 'rocket-json', 'rocket-rocketmq', 'grpc'];

/** Per-call timeout of the systems that have one; a call that takes this long is a bug here. */
export const CALL_TIMEOUT_MS = 10_000;

export interface BenchClient {
  readonly system: SystemName;
  setPayload(payload: PayloadName): void;
  call(): Promise<void>;
  close(): Promise<void>;
}

export async function createClient(system: SystemName, port: number): Promise<BenchClient> {
  const client =
    system === 'raw' || system === 'raw-tick'
      ? await RawClient.connect(port, system)
      : system === 'grpc' ? new GrpcClient(port) : new RocketClient(port, system);
  client.setPayload('small');
  await client.call(); // connects, and checks the echo once before anything is timed
  return client;
}

function echoMismatch(system: SystemName, expected: number, got: number | undefined): Error {
  return new Error(`${system}: echo of ${expected} bytes came back as ${got ?? 'nothing'}`);
}

/** rocket-rpc `RemotingClient.invokeSync`, with JSON or ROCKETMQ headers. */
class RocketClient implements BenchClient {
  private readonly client: RemotingClient;
  private readonly addr: string;
  private body: Buffer = makeBody('small');

  constructor(
    port: number,
    readonly system: 'rocket-json' | 'rocket-rocketmq',
  ) {
    this.addr = `127.0.0.1:${port}`;
    this.client = new RemotingClient({ serializeType: system === 'rocket-json' ? SerializeType.JSON : SerializeType.ROCKETMQ });
  }

  setPayload(payload: PayloadName): void {
    this.body = makeBody(payload);
  }

  call(): Promise<void> {
    // A fresh command and ext map per call, as an RPC layer above would build them.
    const body = this.body;
    const request = new RemotingCommand({ code: REQUEST_CODE, extFields: new Map(EXT_FIELDS), body });
    return this.client.invokeSync(this.addr, request, CALL_TIMEOUT_MS).then((response) => {
      if (response.code !== ResponseCode.SUCCESS) throw new Error(`${this.system}: response code ${response.code} (${response.remark})`);
      if (response.body?.length !== body.length) throw echoMismatch(this.system, body.length, response.body?.length);
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

interface RawCall {
  resolve(payload: Buffer): void;
  reject(error: Error): void;
}

/** Calls in flight are found by `id & RAW_SLOT_MASK`; ids are sequential, so this never collides. */
const RAW_SLOTS = 1 << 16;
const RAW_SLOT_MASK = RAW_SLOTS - 1;

/**
 * The practical limit: request ids in a plain array (a `Map` with this churn costs a lot of GC, see
 * src/transport/opaque-table.ts), frames corked per tick, no timers, no headers to encode. `raw`
 * also flushes early (the first 8 KiB of a tick, then every 64 KiB), the write policy of
 * rocket-rpc's channel; `raw-tick` writes once per tick, the baseline as it was before that policy
 * (kept for reference).
 */
class RawClient implements BenchClient {
  private readonly pending: Array<RawCall | undefined> = new Array<RawCall | undefined>(RAW_SLOTS).fill(undefined);
  private inFlight = 0;
  private readonly reader = new RawFrameReader();
  private nextId = 0;
  private corked = false;
  private corkedBytes = 0;
  private flushedEarly = false;
  private payload: Buffer = makeRawPayload('small');

  /** `raw` flushes a tick's first 8 KiB early and later ones every 64 KiB, as rocket-rpc's channel does; `raw-tick` only at the end of the tick. */
  private readonly earlyFlushBytes: number;
  private readonly laterFlushBytes: number;

  private constructor(
    private readonly socket: net.Socket,
    readonly system: 'raw' | 'raw-tick',
  ) {
    this.earlyFlushBytes = system === 'raw' ? RAW_EARLY_FLUSH_BYTES : Number.POSITIVE_INFINITY;
    this.laterFlushBytes = system === 'raw' ? RAW_LATER_FLUSH_BYTES : Number.POSITIVE_INFINITY;
    socket.on('data', (chunk: Buffer) => {
      try {
        this.reader.push(chunk, this.onFrame);
      } catch (error) {
        socket.destroy(error as Error);
      }
    });
    socket.on('error', () => undefined); // 'close' follows and fails the calls
    socket.on('close', () => {
      const error = new Error('raw: connection closed');
      for (let i = 0; i < RAW_SLOTS; i++) {
        const call = this.pending[i];
        this.pending[i] = undefined;
        call?.reject(error);
      }
      this.inFlight = 0;
    });
  }

  static connect(port: number, system: 'raw' | 'raw-tick'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket, system));
      });
    });
  }

  setPayload(payload: PayloadName): void {
    this.payload = makeRawPayload(payload);
  }

  call(): Promise<void> {
    if (this.socket.destroyed) return Promise.reject(new Error('raw: connection closed'));
    if (this.inFlight >= RAW_SLOTS) return Promise.reject(new Error(`raw: more than ${RAW_SLOTS} calls in flight`));
    const id = this.nextId;
    this.nextId = (this.nextId + 1) >>> 0;
    const expected = this.payload.length;
    const frame = encodeRawFrame(id, this.payload);
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    this.socket.write(frame);
    this.corkedBytes += frame.length;
    if (this.corkedBytes >= (this.flushedEarly ? this.laterFlushBytes : this.earlyFlushBytes)) {
      this.flushedEarly = true;
      // Flushed early, as rocket-rpc's channel does, so the server starts on the burst sooner.
      this.corkedBytes = 0;
      this.socket.uncork();
      this.socket.cork();
    }
    this.inFlight++;
    return new Promise<Buffer>((resolve, reject) => (this.pending[id & RAW_SLOT_MASK] = { resolve, reject })).then((payload) => {
      if (payload.length !== expected) throw echoMismatch(this.system, expected, payload.length);
    });
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.flushedEarly = false;
    this.corkedBytes = 0;
    this.socket.uncork();
  };

  private readonly onFrame = (id: number, payload: Buffer): void => {
    const slot = id & RAW_SLOT_MASK;
    const call = this.pending[slot];
    if (call === undefined) return;
    this.pending[slot] = undefined;
    this.inFlight--;
    call.resolve(payload);
  };

  close(): Promise<void> {
    this.socket.destroy();
    return Promise.resolve();
  }
}

/** @grpc/grpc-js unary calls on one channel (one HTTP/2 connection), each with a deadline. */
class GrpcClient implements BenchClient {
  readonly system = 'grpc';
  private readonly client: EchoClient;
  private request: EchoRequest = { ext: { ...EXT_OBJECT }, body: makeBody('small') };

  constructor(port: number) {
    const service = loadEchoService();
    this.client = new service.client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  setPayload(payload: PayloadName): void {
    this.request = { ext: { ...EXT_OBJECT }, body: makeBody(payload) };
  }

  call(): Promise<void> {
    const request = this.request;
    return new Promise<void>((resolve, reject) => {
      this.client.echo(request, { deadline: Date.now() + CALL_TIMEOUT_MS }, (error: grpc.ServiceError | null, reply?: EchoReply) => {
        if (error !== null) reject(error);
        else if (reply?.body.length !== request.body.length) reject(echoMismatch('grpc', request.body.length, reply?.body.length));
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    this.client.close();
    return Promise.resolve();
  }
}
