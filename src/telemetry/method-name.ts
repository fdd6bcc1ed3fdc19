import type { RemotingCommand } from '../protocol/command.js';
import { SEED_RPC_REQUEST_CODE, SeedRpcFields } from '../rpc/seed-request.js';

/**
 * `Service/method` of a seed RPC request (the `rpc.method` form of OpenTelemetry's conventions), or
 * null for any other request. The method key is Java's `Method#toString()`
 * (`public abstract java.lang.String com.x.ServiceHello.sayHello(java.lang.String)`): the name is
 * the word before the `(`.
 */
export function seedMethodName(request: RemotingCommand): string | null {
  if (request.code !== SEED_RPC_REQUEST_CODE) return null;
  const service = request.getExt(SeedRpcFields.INTERFACE_NAME);
  const signature = request.getExt(SeedRpcFields.METHOD_NAME);
  if (service === undefined || signature === undefined) return null;
  return `${service}/${simpleMethodName(signature)}`;
}

export function simpleMethodName(signature: string): string {
  const open = signature.indexOf('(');
  const head = open < 0 ? signature : signature.slice(0, open);
  return head.slice(head.lastIndexOf('.') + 1);
}
