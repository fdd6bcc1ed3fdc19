import { RemotingError } from '../errors.js';

/** Why a discovery source could not refresh. Stable strings; branch on them, not on messages. */
export type DiscoveryErrorReason =
  /** The registry or list endpoint could not be reached (refused, reset, DNS server down). */
  | 'UNREACHABLE'
  /** No answer within the configured time. */
  | 'TIMEOUT'
  /** The instance-list endpoint answered with a non-2xx status. */
  | 'HTTP_STATUS'
  /** The answer was not in the expected format (not JSON, missing fields, bad addresses). */
  | 'MALFORMED'
  /** Pages of one listing disagreed (total changed, a page came back short): retried next round. */
  | 'INCONSISTENT'
  /** An empty list arrived while instances were known; the known ones were kept. */
  | 'EMPTY'
  /** The name does not exist or has no records of the asked type. */
  | 'NOT_FOUND'
  /** The on-disk snapshot could not be read or written. */
  | 'SNAPSHOT'
  /** The registry reported a failure (etcd/ZooKeeper error, lost lease, expired session). */
  | 'REGISTRY'
  /** The optional client library for this registry is not installed. */
  | 'MISSING_DEPENDENCY'
  /** A subscriber's listener threw; the source carried on. */
  | 'LISTENER';

/**
 * A discovery source failed to refresh. Sources report these through `onError` and keep serving the
 * last good instance set, so an outage of the platform or the registry never empties a cluster.
 */
export class DiscoveryError extends RemotingError {
  readonly reason: DiscoveryErrorReason;
  /** The source's name (`http:<url>`, `dns:<name>`, `etcd:<prefix>`...). */
  readonly source: string;
  /** Instances still served after this error (the last good set). */
  readonly kept: number;
  /** For HTTP_STATUS: the status code. */
  readonly status: number | undefined;

  constructor(
    reason: DiscoveryErrorReason,
    source: string,
    message: string,
    options: { cause?: unknown; kept?: number; status?: number } = {},
  ) {
    super('DISCOVERY', `${source}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.source = source;
    this.kept = options.kept ?? 0;
    this.status = options.status;
  }
}

/** No instance could take a call: none discovered, all unhealthy or ejected, or all already tried. */
export class NoProviderError extends RemotingError {
  /** The service (or source name) the call was for. */
  readonly service: string;
  /** Instances known to discovery at the time (0 when discovery has found none at all). */
  readonly known: number;

  constructor(service: string, message: string, options: { known?: number; cause?: unknown } = {}) {
    super('NO_PROVIDER', `${service}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.service = service;
    this.known = options.known ?? 0;
  }
}
