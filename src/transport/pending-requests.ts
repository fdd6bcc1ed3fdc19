import type { RemotingCommand } from '../protocol/command.js';
import type { Channel } from './channel.js';
import { OpaqueTable } from './opaque-table.js';

/** One request waiting for its response. Exactly one of `complete` / `fail` is ever called. */
export interface PendingCall {
  readonly opaque: number;
  readonly channel: Channel;
  readonly addr: string;
  /** `performance.now()` at the start of the call. */
  readonly begin: number;
  readonly timeoutMs: number;
  timer: NodeJS.Timeout | null;
  complete(response: RemotingCommand): void;
  fail(error: Error): void;
}

/**
 * Java's response table: opaque → pending call, one per engine, shared by all its connections.
 * Every entry leaves by `take` (response, timeout, abort, send failure) or `failChannel` (its
 * connection closed); whoever takes it settles it, so nothing can settle twice.
 */
export interface PendingRequestsListener {
  /** The table went from empty to one call. */
  busy?(): void;
  /** The last call left the table. */
  idle?(): void;
}

export class PendingRequests {
  /** Not a `Map`: see opaque-table.ts for what a `Map` with this much churn does to the GC. */
  private readonly calls = new OpaqueTable<PendingCall>();

  constructor(private readonly listener: PendingRequestsListener = {}) {}

  get size(): number {
    return this.calls.size;
  }

  has(opaque: number): boolean {
    return this.calls.get(opaque) !== undefined;
  }

  /** The call waiting under `opaque`, left in place. */
  get(opaque: number): PendingCall | undefined {
    return this.calls.get(opaque);
  }

  add(call: PendingCall): void {
    this.calls.set(call.opaque, call);
    if (this.calls.size === 1) this.listener.busy?.();
  }

  /**
   * Removes and returns the call; undefined when it already left (late or unknown response), or
   * when `channel` is given and the call was sent on another connection (the call stays).
   */
  take(opaque: number, channel?: Channel): PendingCall | undefined {
    const call = this.calls.get(opaque);
    if (call === undefined || (channel !== undefined && call.channel !== channel)) return undefined;
    this.calls.delete(opaque);
    if (call.timer !== null) clearTimeout(call.timer);
    if (this.calls.size === 0) this.listener.idle?.();
    return call;
  }

  /** Fails every call waiting on `channel` at once (fail fast, docs/engine-api.md). */
  failChannel(channel: Channel, makeError: (call: PendingCall) => Error): void {
    for (const call of this.calls.snapshot()) {
      if (call.channel === channel && this.takeCall(call)) call.fail(makeError(call));
    }
  }

  /** Every call still waiting, e.g. for a final shutdown. */
  failAll(makeError: (call: PendingCall) => Error): void {
    for (const call of this.calls.snapshot()) {
      if (this.takeCall(call)) call.fail(makeError(call));
    }
  }

  /**
   * Safety net behind the per-call timers (Java's only mechanism, run every second): fails calls
   * more than `graceMs` past their deadline.
   */
  sweep(now: number, graceMs: number, makeError: (call: PendingCall) => Error): number {
    let swept = 0;
    for (const call of this.calls.snapshot()) {
      if (call.begin + call.timeoutMs + graceMs <= now && this.takeCall(call)) {
        call.fail(makeError(call));
        swept++;
      }
    }
    this.calls.shrinkToFit();
    return swept;
  }

  /** Takes `call` if it is still the one waiting under its opaque (a snapshot can be stale). */
  private takeCall(call: PendingCall): boolean {
    if (this.calls.get(call.opaque) !== call) return false;
    this.take(call.opaque);
    return true;
  }
}
