/**
 * A module for `rocket-rpc serve`, function form: the default export receives the ApiProvider,
 * registers on it, and may return a clean-up that runs after the provider has closed.
 *   rocket-rpc serve ./dist/examples/serve/setup-function.js --port 8888
 */
import type { ApiProvider } from '../../src/index.js';
import { ServiceHello } from '../service-hello/contract.js';
import { serviceHelloImpl } from '../service-hello/provider.js';

export default function setup(provider: ApiProvider): () => void {
  const greeted = { count: 0 };
  provider.register(ServiceHello, {
    ...serviceHelloImpl,
    sayHello: (a, b) => {
      greeted.count++;
      return 'hello ' + a + ' ' + b;
    },
  });
  return () => console.log(`setup-function: closed after ${greeted.count} greeting(s)`);
}
