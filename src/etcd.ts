// `rocket-rpc/etcd`: discovery and registration on etcd (v3). Needs the optional peer dependency
// `etcd3` (npm install etcd3); the core `rocket-rpc` entry never loads it.
export { EtcdSource, type EtcdSourceOptions } from './discovery/etcd.js';
export { EtcdRegistration, type EtcdRegistrationOptions } from './discovery/etcd-registration.js';
export { etcdProvidersPrefix, type EtcdConnectionOptions } from './discovery/etcd-client.js';
export type { Registration, ProviderEndpoint, ProviderRecord } from './discovery/registration.js';
