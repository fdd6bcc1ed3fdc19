import { RemotingCommand, ResponseCode } from '../protocol/index.js';
import type { RemotingClient, RemotingServer } from '../transport/index.js';

/**
 * The health probe: a request with this code and no body, over the same remoting connection the
 * calls use (so a probe also keeps that connection warm and proves the path calls take).
 *
 * 9000 is outside the request codes RocketMQ brokers and name servers use, and outside the seed
 * RPC's code 0. A peer that has no processor for it still answers — `REQUEST_CODE_NOT_SUPPORTED`,
 * as the article's Java provider does — and that answer proves its remoting layer is serving, so
 * it counts as healthy. `SYSTEM_BUSY` (overloaded, or a rocket-rpc provider draining before close)
 * and every transport failure count as unhealthy.
 */
export const HEALTH_PROBE_REQUEST_CODE = 9000;

/** Remark of the answer a draining provider gives. */
export const DRAINING_REMARK = '[DRAINING] provider is shutting down';

export interface ProbeResult {
  readonly healthy: boolean;
  /** The response code, when the peer answered. */
  readonly code?: number;
  readonly latencyMs: number;
  /** The transport error, when it did not. */
  readonly error?: Error;
}

/** Sends one probe to `addr` through `client`. Never throws: failures are an unhealthy result. */
export async function probeOnce(client: RemotingClient, addr: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
  const started = performance.now();
  try {
    const response = await client.invokeSync(addr, RemotingCommand.createRequest(HEALTH_PROBE_REQUEST_CODE), timeoutMs, signal === undefined ? {} : { signal });
    const healthy = response.code === ResponseCode.SUCCESS || response.code === ResponseCode.REQUEST_CODE_NOT_SUPPORTED;
    return { healthy, code: response.code, latencyMs: performance.now() - started };
  } catch (error) {
    return { healthy: false, latencyMs: performance.now() - started, error: error as Error };
  }
}

/**
 * The provider's side: answers probes on the engine's public executor, not on a service's, so a
 * provider whose business executors are saturated still reports itself alive — saturation shows as
 * SYSTEM_BUSY on real calls and is the outlier detector's concern. `drain()` makes probes answer SYSTEM_BUSY, so
 * consumers stop picking this provider before it closes.
 */
export class HealthProbeResponder {
  #serving = true;

  constructor(server: RemotingServer) {
    server.registerProcessor(HEALTH_PROBE_REQUEST_CODE, () =>
      this.#serving ? RemotingCommand.createResponse(ResponseCode.SUCCESS) : RemotingCommand.createResponse(ResponseCode.SYSTEM_BUSY, DRAINING_REMARK),
    );
  }

  get serving(): boolean {
    return this.#serving;
  }

  drain(): void {
    this.#serving = false;
  }

  resume(): void {
    this.#serving = true;
  }
}
