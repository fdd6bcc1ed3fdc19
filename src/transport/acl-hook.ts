import { createHmac } from 'node:crypto';
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

/**
 * The signature Java's `AclClientRPCHook` computes (docs/protocol.md §9): the values of all ext
 * fields except `Signature`, ordered by key, concatenated, then the body; HMAC-SHA1 with the secret
 * key, standard Base64.
 */
export function aclSignature(ext: Map<string, string>, body: Uint8Array | null, secretKey: string): string {
  const keys = [...ext.keys()].filter((key) => key !== 'Signature').sort(compareUtf16);
  const hmac = createHmac('sha1', Buffer.from(secretKey, 'utf8'));
  hmac.update(Buffer.from(keys.map((key) => ext.get(key)).join(''), 'utf8'));
  if (body !== null) hmac.update(body);
  return hmac.digest('base64');
}

/**
 * Java `AclClientRPCHook` (ACL 1.0 and the ACL 2.0 client side): signs every outgoing request so a
 * RocketMQ broker or name server with ACL enabled accepts it. Register it as a client hook.
 */
export class AclClientRpcHook implements RpcHook {
  constructor(private readonly credentials: SessionCredentials) {}

  doBeforeRequest(_remoteAddress: string, request: RemotingCommand): void {
    const ext = (request.extFields ??= new Map());
    ext.set('AccessKey', this.credentials.accessKey);
    if (this.credentials.securityToken !== undefined) ext.set('SecurityToken', this.credentials.securityToken);
    ext.set('Signature', aclSignature(ext, request.body, this.credentials.secretKey));
  }
}
