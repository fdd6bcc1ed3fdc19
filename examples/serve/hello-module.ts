/**
 * A module for `rocket-rpc serve`, object form: the article's ServiceHello and ServiceWorld.
 *   rocket-rpc serve ./dist/examples/serve/hello-module.js --port 8888
 */
import { defineServeModule, serveService } from '../../src/index.js';
import { ServiceHello, ServiceWorld } from '../service-hello/contract.js';
import { serviceHelloImpl, serviceWorldImpl } from '../service-hello/provider.js';

export default defineServeModule({
  services: [
    serveService(ServiceHello, serviceHelloImpl),
    // Per-service options as for provider.register(): here a small executor of its own.
    serveService(ServiceWorld, serviceWorldImpl(console.log), { executor: { concurrency: 4, queueSize: 100 } }),
  ],
  // Runs after the provider has closed and in-flight calls finished.
  close: () => console.log('hello-module: closed'),
});
