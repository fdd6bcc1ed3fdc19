export { serveProvider, readTlsFiles, type ServeOptions, type RunningProvider, type TlsFiles } from './serve-provider.js';
export { serveCluster, type ClusterOptions, type RunningCluster } from './cluster.js';
export {
  serveService,
  defineServeModule,
  loadServeModule,
  checkServeModule,
  type ServeModule,
  type ServeModuleObject,
  type ServeSetup,
  type ServiceEntry,
  type ModuleProviderOptions,
} from './serve-module.js';
export { advertisedHost, type RegistrySettings } from './registry.js';
export { ServeError, type ServeErrorReason } from './errors.js';
