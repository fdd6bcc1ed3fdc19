import { performance } from 'node:perf_hooks';
import type { RemotingCommand } from '../protocol/command.js';
import { currentInstrumentation, type CallScope, type ServerCallScope } from './instrumentation.js';
import type { Logger } from './log.js';
import { seedMethodName } from './method-name.js';

/**
 * Starts observing a call leaving this process: the registered instrumentation's scope, and a
 * slow-call check when `slowCallMs` is set. Undefined when neither is on (the engine then adds
 * nothing to the call).
 */
export function observeClientCall(logger: Logger, slowCallMs: number, addr: string, request: RemotingCommand, oneway: boolean): CallScope | undefined {
  const instrumentation = currentInstrumentation();
  const scope = instrumentation === null ? undefined : instrumentation.clientCall({ addr, request, oneway });
  if (!(slowCallMs > 0)) return scope;
  return new SlowCallScope(logger, slowCallMs, { side: 'client', addr, code: request.code, method: seedMethodName(request) ?? undefined, oneway }, scope);
}

/** The same for a request that arrived; `method` as the processor names it (see `ServerCallStart`). */
export function observeServerCall(
  logger: Logger,
  slowCallMs: number,
  request: RemotingCommand,
  remoteAddress: string,
  localAddress: string,
  method: string | null | undefined,
): ServerCallScope | undefined {
  const instrumentation = currentInstrumentation();
  const scope = instrumentation === null ? undefined : instrumentation.serverCall({ request, remoteAddress, localAddress, method });
  if (!(slowCallMs > 0)) return scope;
  return new SlowCallScope(logger, slowCallMs, { side: 'server', remote: remoteAddress, code: request.code, method: method ?? undefined, oneway: request.isOneway() }, scope);
}

/** Times a call and logs it at warn level when it took longer than the threshold. */
class SlowCallScope implements ServerCallScope {
  private readonly begin = performance.now();

  constructor(
    private readonly logger: Logger,
    private readonly thresholdMs: number,
    private readonly fields: Record<string, unknown>,
    private readonly inner: CallScope | ServerCallScope | undefined,
  ) {}

  run<T>(fn: () => T): T {
    const inner = this.inner;
    return inner !== undefined && 'run' in inner ? inner.run(fn) : fn();
  }

  end(response: RemotingCommand | null, error: unknown): void {
    const durationMs = performance.now() - this.begin;
    if (durationMs > this.thresholdMs) {
      const outcome = error != null ? { error: (error as { code?: unknown }).code ?? (error as Error).name } : response !== null ? { responseCode: response.code } : {};
      this.logger.warn({ event: 'call.slow', ...this.fields, ...outcome, durationMs: Math.round(durationMs * 1000) / 1000, thresholdMs: this.thresholdMs }, 'slow call');
    }
    this.inner?.end(response, error);
  }
}
