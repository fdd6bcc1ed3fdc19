import { RemotingError } from '../errors.js';
import type { RemotingCommand } from '../protocol/index.js';

/**
 * Extra ext fields this library adds to a request (docs/protocol.md §7.1 allows any: the Java provider
 * decodes only `CommonHeader`'s three fields and ignores the rest).
 *
 * - `rpcTimeoutMs`: the caller's timeout for this call in milliseconds (decimal text). The
 *   provider's deadline is the moment it read the request plus this value.
 * - `rpcAtt.<name>`: one string attachment (e.g. `rpcAtt.traceId`).
 */
export const CallContextFields = {
  TIMEOUT_MS: 'rpcTimeoutMs',
  ATTACHMENT_PREFIX: 'rpcAtt.',
} as const;

/** The implementation's view of the call it serves (the last argument of every implementation function). */
export interface CallContext {
  /** Interface name (`interfaceName`). */
  readonly service: string;
  /** Contract key of the method. */
  readonly method: string;
  /** `Method#toString()` of the method (`methodName`). */
  readonly signature: string;
  /** `ip:port` of the caller. */
  readonly remoteAddress: string;
  /** True when the caller expects no answer. */
  readonly oneway: boolean;
  /**
   * When the caller stops waiting, in epoch milliseconds; null when it did not say (Java
   * consumers never do).
   */
  readonly deadline: number | null;
  /** Milliseconds until the deadline (never negative); Infinity without a deadline. */
  remainingMs(): number;
  /** Aborted when the deadline passes or the caller's connection closes. */
  readonly signal: AbortSignal;
  /** The caller's string attachments (`rpcAtt.*` ext fields), by name. */
  readonly attachments: ReadonlyMap<string, string>;
  /** The ACL access key that signed the call (a provider with an `acl`); null otherwise. */
  readonly accessKey: string | null;
}

/** The `reason` of a call context's signal when the caller's deadline passed. */
export class DeadlineExceededError extends RemotingError {
  constructor(readonly timeoutMs: number) {
    super('TIMEOUT', `the caller's deadline of ${timeoutMs} ms passed`);
  }
}

/** Attachments as the call options accept them. */
export type Attachments = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

/** Writes attachments into a request's ext fields. */
export function writeAttachments(ext: Map<string, string>, attachments: Attachments | undefined): void {
  if (attachments === undefined) return;
  const entries = attachments instanceof Map ? attachments.entries() : Object.entries(attachments);
  for (const [name, value] of entries as Iterable<[string, unknown]>) {
    if (typeof value !== 'string') throw new TypeError(`attachment ${name} must be a string, got ${typeof value}`);
    ext.set(CallContextFields.ATTACHMENT_PREFIX + name, value);
  }
}

/** Reads the attachments of a request's ext fields. */
export function readAttachments(ext: ReadonlyMap<string, string> | null): Map<string, string> {
  const out = new Map<string, string>();
  if (ext === null) return out;
  const prefix = CallContextFields.ATTACHMENT_PREFIX;
  for (const [key, value] of ext) if (key.startsWith(prefix)) out.set(key.slice(prefix.length), value);
  return out;
}

/** The caller's timeout from `rpcTimeoutMs`, or null when absent or not a positive number. */
export function readTimeoutMs(ext: ReadonlyMap<string, string> | null): number | null {
  const text = ext?.get(CallContextFields.TIMEOUT_MS);
  if (text === undefined || !/^\d{1,12}$/.test(text)) return null;
  const value = Number(text);
  return value > 0 ? value : null;
}

/** What the provider's context needs of the engine's request context. */
interface ServedRequest {
  readonly remoteAddress: string;
  readonly receivedAt: number;
  readonly signal: AbortSignal;
  readonly caller?: { readonly accessKey: string } | null;
}

/**
 * The provider's {@link CallContext}. Cheap to create: attachments are read from the request and
 * the signal (with the timer behind it) is created only when an implementation asks, and
 * `dispose()` (called when the call ends) releases both.
 */
export class ServerCallContext implements CallContext {
  readonly service: string;
  private readonly target: { readonly key: string; readonly signature: string };
  private readonly request: RemotingCommand;
  private readonly context: ServedRequest;
  /** `rpcTimeoutMs`, read on first use (undefined until then). */
  private timeout: number | null | undefined = undefined;
  private attachmentMap: ReadonlyMap<string, string> | null = null;
  private controller: AbortController | null = null;
  private timer: NodeJS.Timeout | null = null;
  private onConnectionAbort: (() => void) | null = null;

  constructor(service: string, method: { readonly key: string; readonly signature: string }, request: RemotingCommand, context: ServedRequest) {
    this.service = service;
    this.target = method;
    this.request = request;
    this.context = context;
  }

  get method(): string {
    return this.target.key;
  }

  get signature(): string {
    return this.target.signature;
  }

  get remoteAddress(): string {
    return this.context.remoteAddress;
  }

  get oneway(): boolean {
    return this.request.isOneway();
  }

  get accessKey(): string | null {
    return this.context.caller?.accessKey ?? null;
  }

  private get ext(): ReadonlyMap<string, string> | null {
    return this.request.extFields;
  }

  private get receivedAt(): number {
    return this.context.receivedAt;
  }

  private get connectionSignal(): AbortSignal {
    return this.context.signal;
  }

  /** The caller's timeout (`rpcTimeoutMs`), null when it sent none. */
  get timeoutMs(): number | null {
    if (this.timeout === undefined) this.timeout = readTimeoutMs(this.ext);
    return this.timeout;
  }

  private get deadlineAt(): number | null {
    const timeoutMs = this.timeoutMs;
    return timeoutMs === null ? null : this.receivedAt + timeoutMs;
  }

  get attachments(): ReadonlyMap<string, string> {
    return (this.attachmentMap ??= readAttachments(this.ext));
  }

  get deadline(): number | null {
    const deadlineAt = this.deadlineAt;
    return deadlineAt === null ? null : Math.round(Date.now() + (deadlineAt - performance.now()));
  }

  remainingMs(): number {
    const deadlineAt = this.deadlineAt;
    return deadlineAt === null ? Infinity : Math.max(0, deadlineAt - performance.now());
  }

  /** True when the deadline has passed. */
  expired(): boolean {
    const deadlineAt = this.deadlineAt;
    return deadlineAt !== null && performance.now() >= deadlineAt;
  }

  get signal(): AbortSignal {
    if (this.controller !== null) return this.controller.signal;
    const controller = new AbortController();
    this.controller = controller;
    const connection = this.connectionSignal;
    if (connection.aborted) {
      controller.abort(connection.reason);
      return controller.signal;
    }
    this.onConnectionAbort = () => controller.abort(connection.reason);
    connection.addEventListener('abort', this.onConnectionAbort, { once: true });
    if (this.timeoutMs !== null) {
      const timeoutMs = this.timeoutMs;
      const fire = (): void => {
        this.timer = null;
        controller.abort(new DeadlineExceededError(timeoutMs));
      };
      const remaining = this.remainingMs();
      if (remaining <= 0) fire();
      else this.timer = setTimeout(fire, Math.ceil(remaining));
    }
    return controller.signal;
  }

  /** Ends the call: clears the deadline timer and the connection listener. */
  dispose(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.onConnectionAbort !== null) {
      this.connectionSignal.removeEventListener('abort', this.onConnectionAbort);
      this.onConnectionAbort = null;
    }
  }
}
