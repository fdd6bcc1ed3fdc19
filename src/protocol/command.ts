import { FlagBit, SerializeType } from './codes.js';

let opaqueCounter = 0;

/**
 * Next request id from the process-wide counter, wrapping within int32 as Java's `AtomicInteger`
 * does (docs/protocol.md §4). Engines still check their pending table, so a wrapped value that is still
 * in flight is never reused.
 */
export function nextOpaque(): number {
  const value = opaqueCounter;
  opaqueCounter = (opaqueCounter + 1) | 0;
  return value;
}

export interface CommandInit {
  code: number;
  language?: string | null;
  version?: number;
  opaque?: number;
  flag?: number;
  remark?: string | null;
  extFields?: Map<string, string> | Record<string, string> | null;
  body?: Uint8Array | null;
  serializeType?: SerializeType;
}

/**
 * One remoting frame's content (Java `RemotingCommand`). Plain mutable fields, as in Java, so hooks
 * can add ext fields before a request is written.
 *
 * `extFields` is a `Map` rather than an object: it keeps the order read from the wire (so
 * decode → encode reproduces the bytes, integer-like keys included) and a key such as `__proto__`
 * is just a key.
 */
export class RemotingCommand {
  // `declare`: the constructor assigns every field, so ES2022 field definitions (each field first
  // defined as undefined, then assigned) would only double the work of the hottest constructor.
  declare code: number;
  /** Language name (`JAVA`, …); null when a binary header carried a byte this side does not know. */
  declare language: string | null;
  declare version: number;
  declare opaque: number;
  declare flag: number;
  declare remark: string | null;
  declare extFields: Map<string, string> | null;
  /** Body bytes; a zero-length body is sent as no body and decodes as null (§1). */
  declare body: Uint8Array | null;
  /** Header serialization used to write this command; set from the frame when decoded. */
  declare serializeType: SerializeType;

  constructor(init: CommandInit) {
    this.code = init.code;
    this.language = init.language === undefined ? 'JAVA' : init.language;
    this.version = init.version ?? 0;
    this.opaque = init.opaque ?? nextOpaque();
    this.flag = init.flag ?? 0;
    this.remark = init.remark ?? null;
    const ext = init.extFields;
    this.extFields = ext == null ? null : ext instanceof Map ? ext : new Map(Object.entries(ext));
    this.body = init.body ?? null;
    this.serializeType = init.serializeType ?? SerializeType.JSON;
  }

  /** A request with a fresh opaque (Java `createRequestCommand`). */
  static createRequest(code: number, init: Omit<CommandInit, 'code' | 'flag'> = {}): RemotingCommand {
    return new RemotingCommand(withCode(init, code, init.remark));
  }

  /** A response (flag bit 0 set); the engine copies the request's opaque when it writes it. */
  static createResponse(code: number, remark: string | null = null, init: Omit<CommandInit, 'code' | 'remark'> = {}): RemotingCommand {
    const command = new RemotingCommand(withCode(init, code, remark));
    command.flag |= FlagBit.RESPONSE;
    return command;
  }

  isResponse(): boolean {
    return (this.flag & FlagBit.RESPONSE) !== 0;
  }

  isOneway(): boolean {
    return (this.flag & FlagBit.ONEWAY) !== 0;
  }

  markResponse(): this {
    this.flag |= FlagBit.RESPONSE;
    return this;
  }

  markOneway(): this {
    this.flag |= FlagBit.ONEWAY;
    return this;
  }

  /** Ext field value, or undefined. */
  getExt(key: string): string | undefined {
    return this.extFields?.get(key);
  }

  /** Sets an ext field, creating the map when the command has none. */
  setExt(key: string, value: string): this {
    (this.extFields ??= new Map()).set(key, value);
    return this;
  }
}

/**
 * `{ ...init, code, remark }` spelled out: on Node 20's V8 a spread followed by more properties
 * costs about a microsecond per object, and these run once per call.
 */
function withCode(init: Omit<CommandInit, 'code'>, code: number, remark: string | null | undefined): CommandInit {
  return {
    code,
    language: init.language,
    version: init.version,
    opaque: init.opaque,
    flag: init.flag,
    remark,
    extFields: init.extFields,
    body: init.body,
    serializeType: init.serializeType,
  };
}
