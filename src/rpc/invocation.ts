import { ResponseCode, type RemotingCommand } from '../protocol/index.js';
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
 * Sends one seed RPC request (SEED-RPC.md §3) and interprets the answer: a non-zero code becomes
 * a `RemoteError` (the Java consumer returns null there — a bug we do not copy); transport
 * failures keep their engine error types.
 */
export function invokeSeed(settings: InvocationSettings, call: SeedCall, options: CallOptions | undefined): Promise<SeedAnswer> {
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
  const target = settings.target;
  const signal = options?.signal;
  if (target instanceof AddressTarget) {
    // The common case, without the generic target's extra promise and result object.
    const invokeOptions = signal === undefined ? NO_OPTIONS : { signal };
    if (call.oneway) return target.client.invokeOneway(target.addr, request, timeoutMs, invokeOptions).then(() => ({ body: null, addr: target.addr }));
    return target.client.invokeSync(target.addr, request, timeoutMs, invokeOptions).then((response) => answerOf(call, response, target.addr));
  }
  const rpcCall = { service: call.service, method: call.signature, idempotent: call.idempotent, routingKey: options?.routingKey, signal };
  if (call.oneway) return target.invokeOneway(request, timeoutMs, rpcCall).then((addr) => ({ body: null, addr }));
  return target.invoke(request, timeoutMs, rpcCall).then(({ response, addr }) => answerOf(call, response, addr));
}

function answerOf(call: SeedCall, response: RemotingCommand, addr: string): SeedAnswer {
  if (response.code !== ResponseCode.SUCCESS) {
    throw new RemoteError({ responseCode: response.code, remark: response.remark, addr, opaque: response.opaque, service: call.service, method: call.signature });
  }
  return { body: bodyText(response.body), addr };
}
