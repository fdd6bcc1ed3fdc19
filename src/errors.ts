/**
 * One error hierarchy for every layer. Callers branch on `code` (stable strings), never on message
 * text; addresses, opaques and timings are fields, not only words in the message.
 */
export type RemotingErrorCode =
  | 'PROTOCOL'
  | 'CONNECT_FAILED'
  | 'SEND_FAILED'
  | 'TIMEOUT'
  | 'TOO_MANY_REQUESTS'
  | 'CONNECTION_CLOSED'
  | 'ABORTED'
  | 'CLOSED'
  | 'REMOTE'
  | 'INVALID_ARGUMENT'
  | 'NO_PROVIDER'
  | 'DISCOVERY'
  | 'SERVE'
  | 'LIMIT_EXCEEDED';

export class RemotingError extends Error {
  readonly code: RemotingErrorCode;

  constructor(code: RemotingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/** Why a frame or header could not be decoded (or encoded). Stable strings. */
export type ProtocolErrorReason =
  | 'FRAME_TOO_LARGE'
  | 'NEGATIVE_LENGTH'
  | 'BAD_HEADER_LENGTH'
  | 'UNKNOWN_SERIALIZE_TYPE'
  | 'INVALID_UTF8'
  | 'MALFORMED_JSON'
  | 'BAD_HEADER'
  | 'VALUE_OUT_OF_RANGE'
  | 'MISSING_FIELD'
  | 'BAD_FIELD';

export class ProtocolError extends RemotingError {
  readonly reason: ProtocolErrorReason;
  /** For header-field problems: the field concerned. */
  readonly field: string | undefined;

  constructor(reason: ProtocolErrorReason, message: string, options?: { cause?: unknown; field?: string }) {
    super('PROTOCOL', message, options);
    this.reason = reason;
    this.field = options?.field;
  }
}
