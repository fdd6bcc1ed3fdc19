/** Header serialization of a frame (docs/protocol.md §1). */
export const SerializeType = {
  JSON: 0,
  ROCKETMQ: 1,
} as const;
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

export function serializeTypeName(type: SerializeType): 'JSON' | 'ROCKETMQ' {
  return type === SerializeType.JSON ? 'JSON' : 'ROCKETMQ';
}

/** Response codes the remoting layer itself sends (`RemotingSysResponseCode`, docs/protocol.md §6.1). */
export const ResponseCode = {
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  TRANSACTION_FAILED: 4,
  /** The broker's code for an ACL refusal; rocket-rpc's `AclVerifier` answers with it. */
  NO_PERMISSION: 16,
} as const;
export type ResponseCode = (typeof ResponseCode)[keyof typeof ResponseCode];

/**
 * The going-away notice a closing `RemotingServer` sends every connected client (rocket-rpc's own
 * code, next to the health probe's 9000). RocketMQ's request codes sit in 10–61, 100–106, 200–225,
 * 300–402, 513, 901–908, 1001–1018, 2001–2004, 3001–3010 and 3442–3543; 9001 is in none of them.
 * It travels with the oneway flag: a peer that does not know it may ignore it (Java 5.x does) or
 * answer REQUEST_CODE_NOT_SUPPORTED (Java 4.9.7 does, even to oneway requests). A rocket-rpc
 * client answers SUCCESS: "no new request will follow on this connection".
 */
export const GOING_AWAY_REQUEST_CODE = 9001;

/** Flag bits (docs/protocol.md §4). Other bits are preserved untouched. */
export const FlagBit = {
  RESPONSE: 1,
  ONEWAY: 2,
} as const;

/** Java's frame limit: 16 MiB for the whole frame including the 4-byte length field (§1). */
export const DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024;

/** Exact remark texts Java's remoting layer uses (§6.1); Java-side log parsers match them. */
export const SystemRemark = {
  REJECT_REQUEST: '[REJECTREQUEST]system busy, start flow control for a while',
  OVERLOAD: '[OVERLOAD]system busy, start flow control for a while',
  notSupported: (code: number): string => ` request type ${code} not supported`,
} as const;
