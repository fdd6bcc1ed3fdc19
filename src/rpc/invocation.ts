import { ResponseCode } from '../protocol/index.js';
import type { Attachments } from './call-context.js';
import { RemoteError } from './errors.js';
import { bodyText, buildSeedRequest } from './seed-request.js';
import type { RpcTarget } from './target.js';

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

/**
 * Sends one seed RPC request (SEED-RPC.md §3) and interprets the answer: a non-zero code becomes
 * a `RemoteError` (the Java consumer returns null there — a bug we do not copy); transport
 * failures keep their engine error types.
 */
export async function invokeSeed(settings: InvocationSettings, call: SeedCall, options: CallOptions | undefined): Promise<SeedAnswer> {
  const timeoutMs = options?.timeoutMs ?? settings.timeoutMs;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  const request = buildSeedRequest(call.service, call.signature, call.argsJsonJson, {
    timeoutMs: settings.propagateDeadline && !call.oneway ? timeoutMs : null,
    attachments: options?.attachments,
    defaultAttachments: settings.attachments,
  });
  const rpcCall = { service: call.service, method: call.signature, idempotent: call.idempotent, routingKey: options?.routingKey, signal: options?.signal };
  if (call.oneway) {
    const addr = await settings.target.invokeOneway(request, timeoutMs, rpcCall);
    return { body: null, addr };
  }
  const { response, addr } = await settings.target.invoke(request, timeoutMs, rpcCall);
  if (response.code !== ResponseCode.SUCCESS) {
    throw new RemoteError({ responseCode: response.code, remark: response.remark, addr, opaque: response.opaque, service: call.service, method: call.signature });
  }
  return { body: bodyText(response.body), addr };
}
