import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { RemotingCommand } from '../protocol/command.js';
import type { RpcHook } from './processor.js';

export interface SessionCredentials {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
}

/** Java `String.compareTo`: UTF-16 code unit order, which is what JS `<` on strings compares. */
function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The ext fields Java's `AclClientRPCHook` leaves out of the signed content. */
export const CLIENT_UNSIGNED_FIELDS: ReadonlySet<string> = new Set(['Signature']);

/**
 * The signature Java's `AclClientRPCHook` computes (docs/protocol.md §9): the values of all ext
 * fields except `Signature` (or except `unsigned`), ordered by key, concatenated, then the body;
 * HMAC-SHA1 with the secret key, standard Base64. The server side (`AclVerifier`) calls it with
 * the broker's exclusions.
 */
export function aclSignature(ext: ReadonlyMap<string, string>, body: Uint8Array | null, secretKey: string | KeyObject, unsigned: ReadonlySet<string> = CLIENT_UNSIGNED_FIELDS): string {
  const keys = [...ext.keys()].filter((key) => !unsigned.has(key)).sort(compareUtf16);
  // A KeyObject (made once per account) saves copying the key into every HMAC.
  const hmac = createHmac('sha1', typeof secretKey === 'string' ? Buffer.from(secretKey, 'utf8') : secretKey);
  hmac.update(keys.map((key) => ext.get(key)).join(''), 'utf8');
  if (body !== null) hmac.update(body);
  return hmac.digest('base64');
}

/**
 * Java `AclClientRPCHook` (ACL 1.0 and the ACL 2.0 client side): signs every outgoing request so a
 * RocketMQ broker or name server with ACL enabled, or a rocket-rpc server with an `AclVerifier`,
 * accepts it. Register it as a client hook.
 */
export class AclClientRpcHook implements RpcHook {
  readonly #accessKey: string;
  readonly #securityToken: string | undefined;
  /** The secret as a key object: kept out of `console.log(hook)` and JSON dumps, and cheaper per HMAC. */
  readonly #key: KeyObject;

  constructor(credentials: SessionCredentials) {
    this.#accessKey = credentials.accessKey;
    this.#securityToken = credentials.securityToken;
    this.#key = createSecretKey(Buffer.from(credentials.secretKey, 'utf8'));
  }

  doBeforeRequest(_remoteAddress: string, request: RemotingCommand): void {
    const ext = (request.extFields ??= new Map());
    ext.set('AccessKey', this.#accessKey);
    if (this.#securityToken !== undefined) ext.set('SecurityToken', this.#securityToken);
    ext.set('Signature', aclSignature(ext, request.body, this.#key));
  }

  toJSON(): { accessKey: string } {
    return { accessKey: this.#accessKey };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `AclClientRpcHook { accessKey: ${JSON.stringify(this.#accessKey)} }`;
  }
}
