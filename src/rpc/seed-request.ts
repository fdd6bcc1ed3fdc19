import { RemotingCommand } from '../protocol/index.js';
import { CallContextFields, writeAttachments, type Attachments } from './call-context.js';

/** Request code of every seed RPC call (docs/protocol.md §7.1). */
export const SEED_RPC_REQUEST_CODE = 0;

/** The ext fields of Java's `CommonHeader` (docs/protocol.md §7.1). */
export const SeedRpcFields = {
  INTERFACE_NAME: 'interfaceName',
  METHOD_NAME: 'methodName',
  ARGS_JSON_JSON: 'argsJsonJson',
} as const;

export interface SeedRequestExtras {
  /** Sent as `rpcTimeoutMs` (deadline propagation); null leaves the field out. */
  timeoutMs: number | null;
  attachments?: Attachments | undefined;
  /** Attachments every call carries (consumer-wide); per-call ones win. */
  defaultAttachments?: Attachments | undefined;
}

/** A seed RPC request: code 0, `CommonHeader` ext fields, no body. */
export function buildSeedRequest(service: string, signature: string, argsJsonJson: string, extras: SeedRequestExtras): RemotingCommand {
  const ext = new Map<string, string>();
  ext.set(SeedRpcFields.INTERFACE_NAME, service);
  ext.set(SeedRpcFields.METHOD_NAME, signature);
  ext.set(SeedRpcFields.ARGS_JSON_JSON, argsJsonJson);
  if (extras.timeoutMs !== null) ext.set(CallContextFields.TIMEOUT_MS, timeoutText(extras.timeoutMs));
  if (extras.defaultAttachments !== undefined) writeAttachments(ext, extras.defaultAttachments);
  if (extras.attachments !== undefined) writeAttachments(ext, extras.attachments);
  return new RemotingCommand({ code: SEED_RPC_REQUEST_CODE, extFields: ext });
}

let lastTimeout = 3000;
let lastTimeoutText = '3000';

/** `rpcTimeoutMs` text: whole milliseconds, at least 1. Calls mostly repeat one value: keep its text. */
function timeoutText(timeoutMs: number): string {
  if (timeoutMs !== lastTimeout) {
    lastTimeout = timeoutMs;
    lastTimeoutText = String(Math.max(1, Math.ceil(timeoutMs)));
  }
  return lastTimeoutText;
}

/** A response body as text (UTF-8); null for no body (an empty body is no body, docs/protocol.md §1). */
export function bodyText(body: Uint8Array | null): string | null {
  if (body === null || body.length === 0) return null;
  return (Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)).toString('utf8');
}
