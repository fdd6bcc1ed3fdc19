import type { RemotingCommand } from '../protocol/command.js';

/**
 * The engine's hook for metrics and tracing. Nothing is observed until one is registered (the
 * OpenTelemetry one comes from `rocket-rpc/otel`): the hot path only checks a module variable.
 */
export interface Instrumentation {
  /** A call leaves this process; called before hooks run and before it is written. */
  clientCall(call: ClientCallStart): CallScope | undefined;
  /** A request arrived; called when it is decoded, before it waits for its executor. */
  serverCall(call: ServerCallStart): ServerCallScope | undefined;
}

export interface ClientCallStart {
  /** `host:port` the call goes to. */
  readonly addr: string;
  /** The request; its ext fields may be written to (trace context). */
  readonly request: RemotingCommand;
  readonly oneway: boolean;
}

export interface ServerCallStart {
  readonly request: RemotingCommand;
  /** `ip:port` of the caller. */
  readonly remoteAddress: string;
  /** `host:port` this server listens on (empty when unknown). */
  readonly localAddress: string;
  /**
   * The method as the processor names it (`Service/method`), or undefined when the request names
   * nothing it serves; null when the processor does not name methods (raw request codes).
   */
  readonly method: string | null | undefined;
}

export interface CallScope {
  /**
   * The call ended: with a response (whatever its code), or with an error (no response), or for
   * a oneway call with neither once it was written. Called exactly once.
   */
  end(response: RemotingCommand | null, error: unknown): void;
}

export interface ServerCallScope extends CallScope {
  /** Runs the processor inside the call's context (so calls it makes continue the trace). */
  run<T>(fn: () => T): T;
}

let active: Instrumentation | null = null;

/** The registered instrumentation, or null (the common case, checked on every call). */
export function currentInstrumentation(): Instrumentation | null {
  return active;
}

/**
 * Makes `instrumentation` observe every engine in the process; returns the function that removes
 * it again. One at a time: registering replaces the previous one.
 */
export function registerInstrumentation(instrumentation: Instrumentation): () => void {
  active = instrumentation;
  return () => {
    if (active === instrumentation) active = null;
  };
}
