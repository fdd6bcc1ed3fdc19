// Registry-backed sources (etcd, ZooKeeper) are not exported here: they load optional client
// libraries and live behind the `rocket-rpc/etcd` and `rocket-rpc/zookeeper` entry points.
export * from './errors.js';
export * from './instance.js';
export * from './source.js';
export * from './static.js';
export * from './platform-list.js';
export * from './http-list.js';
export * from './dns.js';
export * from './registration.js';
export { DEFAULT_REGISTRY_ROOT } from './provider-record.js';
export * from './cluster.js';
export * from './failure-policy.js';
