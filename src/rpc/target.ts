import type { RemotingCommand } from '../protocol/index.js';
import type { RemotingClient } from '../transport/index.js';

/** What a target knows about the call it carries (for routing, failover and metrics). */
export interface RpcCall {
  /** Interface name. */
  readonly service: string;
  /** `Method#toString()`. */
  readonly method: string;
  /** From the contract: the call may be sent again to another provider after a failure. */
  readonly idempotent: boolean;
  /** The per-call routing key (e.g. for consistent hashing), if the caller gave one. */
  readonly routingKey: string | undefined;
  readonly signal: AbortSignal | undefined;
}

export interface RpcResponse {
  readonly response: RemotingCommand;
  /** The provider that answered. */
  readonly addr: string;
}

/**
 * Where a consumer sends its calls. A fixed address is one implementation ({@link AddressTarget});
 * a cluster with discovery, balancing and failover is another. A target that sends a request more
 * than once (failover) must give each attempt its own opaque.
 */
export interface RpcTarget {
  /** Sends a request and resolves with the provider's response, whatever its code. */
  invoke(request: RemotingCommand, timeoutMs: number, call: RpcCall): Promise<RpcResponse>;
  /** Sends a request oneway; resolves with the chosen provider's address once written. */
  invokeOneway(request: RemotingCommand, timeoutMs: number, call: RpcCall): Promise<string>;
}

/** Every call to one `host:port` through a shared client. */
export class AddressTarget implements RpcTarget {
  constructor(
    readonly client: RemotingClient,
    readonly addr: string,
  ) {}

  async invoke(request: RemotingCommand, timeoutMs: number, call: RpcCall): Promise<RpcResponse> {
    const response = await this.client.invokeSync(this.addr, request, timeoutMs, call.signal === undefined ? {} : { signal: call.signal });
    return { response, addr: this.addr };
  }

  async invokeOneway(request: RemotingCommand, timeoutMs: number, call: RpcCall): Promise<string> {
    await this.client.invokeOneway(this.addr, request, timeoutMs, call.signal === undefined ? {} : { signal: call.signal });
    return this.addr;
  }
}
