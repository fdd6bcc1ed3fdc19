import { RemotingError } from '../errors.js';
import { ResponseCode } from '../protocol/index.js';

export interface RemoteErrorInit {
  responseCode: number;
  remark: string | null;
  addr: string;
  opaque: number;
  service: string;
  method: string;
}

/**
 * The provider answered with a non-zero response code. Java providers (and ours) send code 1
 * (SYSTEM_ERROR) with the remark `<exception class>: <message>, <where>`; code 2 is flow control
 * (`[OVERLOAD]…`), code 3 an unsupported request code, code 16 (NO_PERMISSION) an ACL refusal.
 */
export class RemoteError extends RemotingError {
  readonly responseCode: number;
  readonly remark: string | null;
  readonly addr: string;
  readonly opaque: number;
  /** Interface name of the call. */
  readonly service: string;
  /** `Method#toString()` of the call. */
  readonly method: string;

  constructor(init: RemoteErrorInit) {
    super('REMOTE', `${init.service} call failed on ${init.addr}: code ${init.responseCode}${init.remark === null ? '' : `, ${init.remark}`}`);
    this.responseCode = init.responseCode;
    this.remark = init.remark;
    this.addr = init.addr;
    this.opaque = init.opaque;
    this.service = init.service;
    this.method = init.method;
  }

  /**
   * The remark without its stack-frame part: the text before the first `", "`, the only stable part
   * (docs/protocol.md §7.2), e.g. `java.lang.RuntimeException: method not exists …`.
   */
  get detail(): string | null {
    if (this.remark === null) return null;
    const cut = this.remark.indexOf(', ');
    return cut < 0 ? this.remark : this.remark.slice(0, cut);
  }

  /**
   * For SYSTEM_ERROR answers, the remote exception's class (`java.lang.NullPointerException`,
   * `java.lang.IllegalArgumentException`, or a JavaScript error name); null otherwise.
   */
  get remoteErrorClass(): string | null {
    const detail = this.detail;
    if (this.responseCode !== ResponseCode.SYSTEM_ERROR || detail === null) return null;
    const colon = detail.indexOf(': ');
    const name = colon < 0 ? detail : detail.slice(0, colon);
    return /^[\w$.]+$/.test(name) ? name : null;
  }
}

/** An argument (or a result) does not fit the contract's type. */
export class InvalidArgumentError extends RemotingError {
  /** Interface name. */
  readonly service: string;
  /** `Method#toString()`. */
  readonly method: string;
  /** Position of the argument; null when the number of arguments is wrong, or for a result. */
  readonly argumentIndex: number | null;
  /** Where inside the argument (`items[1].name`); empty for the argument itself. */
  readonly path: string;

  constructor(init: { service: string; method: string; argumentIndex: number | null; path?: string; message: string; cause?: unknown }) {
    super('INVALID_ARGUMENT', init.message, { cause: init.cause });
    this.service = init.service;
    this.method = init.method;
    this.argumentIndex = init.argumentIndex;
    this.path = init.path ?? '';
  }
}
