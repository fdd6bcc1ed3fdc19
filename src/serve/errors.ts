import { RemotingError } from '../errors.js';

/** Why running a provider process failed. Stable strings. */
export type ServeErrorReason =
  /** The module could not be imported, or its default export has the wrong shape. */
  | 'BAD_MODULE'
  /** An optional package a flag needs (metrics, etcd, ZooKeeper) is not installed. */
  | 'MISSING_DEPENDENCY'
  /** A worker process exited before it was serving. */
  | 'WORKER_FAILED'
  /** A setting that cannot work (a TLS file that cannot be read, an unknown option). */
  | 'BAD_CONFIG';

export class ServeError extends RemotingError {
  readonly reason: ServeErrorReason;

  constructor(reason: ServeErrorReason, message: string, options?: { cause?: unknown }) {
    super('SERVE', message, options);
    this.reason = reason;
  }
}
