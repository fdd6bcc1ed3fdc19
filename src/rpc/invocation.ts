import { ResponseCode, type RemotingCommand, type SerializeType } from '../protocol/index.js';
import type { Attachments } from './call-context.js';
import { RemoteError } from './errors.js';
import { bodyText, buildSeedRequest } from './seed-request.js';
import { AddressTarget, type RpcTarget } from './target.js';

/** Per-call options (`proxy.method.with(options)(...args)`, generic calls). */
export interface CallOptions {
  /** Overrides the proxy's timeout for this call. */
  timeoutMs?: number;
  /** Aborts the call (it then rejects with `AbortedError`). */
  signal?: AbortSignal;
  /** String attachments for this call (ext fields `rpcAtt.<name>`), e.g. `{ traceId }`. */
  attachments?: Attachments;
  /** Routing key for cluster targets (e.g. consistent hashing); a fixed address ignores it. */
  routingKey?: string;
  /** `void` methods only: send a normal request and wait for the provider's answer, so its errors are seen. */
  sync?: boolean;
}

/** Where and how a consumer's calls go. */
export interface InvocationSettings {
  readonly target: RpcTarget;
  readonly timeoutMs: number;
  /** Send `rpcTimeoutMs` so the provider knows the deadline. */
  readonly propagateDeadline: boolean;
  readonly attachments: Attachments | undefined;
  /** Header type of the requests; undefined: the client's (JSON unless it was given another). */
  readonly serializeType?: SerializeType | undefined;
}

export interface SeedCall {
  readonly service: string;
  readonly signature: string;
  readonly argsJsonJson: string;
  readonly oneway: boolean;
  readonly idempotent: boolean;
}

export interface SeedAnswer {
  /** The response body as text; null for no body (a null result, a void method, or a oneway call). */
  readonly body: string | null;
  readonly addr: string;
}

const NO_OPTIONS = {};

/**
 * Sends one seed RPC request (docs/protocol.md §7) and interprets the answer: a non-zero code becomes
 * a `RemoteError` (the Java consumer returns null there — a bug we do not copy); transport
 * failures keep their engine error types.
 */
export function invokeSeed(settings: InvocationSettings, call: SeedCall, options: CallOptions | undefined): Promise<SeedAnswer> {
  return sendSeed(settings, call, options, answerOf);
}

/**
 * What to make of a successful answer: its body text (null for none) and the provider's address.
 * Runs in the same promise reaction that receives the response.
 */
export type AnswerReader<T> = (body: string | null, addr: string) => T | PromiseLike<T>;

function answerOf(body: string | null, addr: string): SeedAnswer {
  return { body, addr };
}

/** {@link invokeSeed}, handing the answer straight to `read` (one promise reaction per call). */
export function sendSeed<T>(settings: InvocationSettings, call: SeedCall, options: CallOptions | undefined, read: AnswerReader<T>): Promise<T> {
  const timeoutMs = options?.timeoutMs ?? settings.timeoutMs;
  if (!(timeoutMs > 0)) return Promise.reject(new RangeError(`timeoutMs must be positive, got ${timeoutMs}`));
  let request;
  try {
    request = buildSeedRequest(call.service, call.signature, call.argsJsonJson, {
      timeoutMs: settings.propagateDeadline && !call.oneway ? timeoutMs : null,
      attachments: options?.attachments,
      defaultAttachments: settings.attachments,
    });
  } catch (error) {
    return Promise.reject(error);
  }
  if (settings.serializeType !== undefined) request.serializeType = settings.serializeType;
  const target = settings.target;
  const signal = options?.signal;
  // The answer handlers below see only these two names, not `call`: a closure holding `call` would
  // keep its (possibly large) argsJsonJson alive until the answer comes.
  const { service, signature } = call;
  if (target instanceof AddressTarget) {
    // The common case, without the generic target's extra promise and result object.
    const addr = target.addr;
    const invokeOptions = signal === undefined ? NO_OPTIONS : { signal };
    if (call.oneway) return target.client.invokeOneway(addr, request, timeoutMs, invokeOptions).then<T>(() => read(null, addr));
    return target.client.invokeSync(addr, request, timeoutMs, invokeOptions).then<T>((response) => read(checkedBody(service, signature, response, addr), addr));
  }
  const rpcCall = { service, method: signature, idempotent: call.idempotent, routingKey: options?.routingKey, signal };
  if (call.oneway) return target.invokeOneway(request, timeoutMs, rpcCall).then<T>((addr) => read(null, addr));
  return target.invoke(request, timeoutMs, rpcCall).then<T>(({ response, addr }) => read(checkedBody(service, signature, response, addr), addr));
}

/** The body text of a success answer; a `RemoteError` for any other code. */
function checkedBody(service: string, method: string, response: RemotingCommand, addr: string): string | null {
  if (response.code !== ResponseCode.SUCCESS) {
    throw new RemoteError({ responseCode: response.code, remark: response.remark, addr, opaque: response.opaque, service, method });
  }
  return bodyText(response.body);
}
