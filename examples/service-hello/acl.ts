/**
 * A provider that demands RocketMQ ACL 1.0 signatures, with per-account allow-lists, and consumers
 * that sign their calls with the same hook Java clients use. (docs/rpc.md, "Access control")
 * Run: node .build/examples/service-hello/acl.js
 */
import { pathToFileURL } from 'node:url';
import { AclClientRpcHook, AclVerifier, ApiConsumer, ApiProvider, RemoteError } from '../../src/index.js';
import { ServiceHello } from './contract.js';
import { serviceHelloImpl } from './provider.js';

export async function main(print: (line: string) => void = console.log): Promise<void> {
  // Example secrets; real ones come from a secret store, never from source code.
  const acl = new AclVerifier({
    accounts: [
      { accessKey: 'ops', secretKey: 'ops-example-secret' }, // every service and method
      { accessKey: 'greeter', secretKey: 'greeter-example-secret', services: { 'com.uext.remote.rf.service.ServiceHello': ['sayHello'] } },
    ],
  });
  const provider = new ApiProvider({ host: '127.0.0.1', port: 0, acl });
  provider.register(ServiceHello, serviceHelloImpl);
  const { addr } = await provider.start();

  // A consumer signs through its client's hooks: AccessKey and Signature ride on every request.
  const signedAs = (accessKey: string, secretKey: string): ApiConsumer =>
    new ApiConsumer({ target: addr, clientOptions: { hooks: [new AclClientRpcHook({ accessKey, secretKey })] } });
  const ops = signedAs('ops', 'ops-example-secret');
  const greeter = signedAs('greeter', 'greeter-example-secret');
  const anonymous = new ApiConsumer({ target: addr });
  try {
    print(`ops: ${await ops.proxy(ServiceHello).sayHelloInteger(1, 2)}`);
    print(`greeter: ${await greeter.proxy(ServiceHello).sayHello('a', 'b')}`);
    const refused: Array<[string, () => Promise<unknown>]> = [
      ['greeter', () => greeter.proxy(ServiceHello).sayHelloInteger(1, 2)],
      ['anonymous', () => anonymous.proxy(ServiceHello).sayHello('a', 'b')],
    ];
    for (const [who, call] of refused) {
      try {
        await call();
      } catch (error) {
        if (!(error instanceof RemoteError)) throw error;
        print(`${who}: code ${error.responseCode}, ${error.remark}`);
      }
    }
  } finally {
    await Promise.all([ops.close(), greeter.close(), anonymous.close()]);
    await provider.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
