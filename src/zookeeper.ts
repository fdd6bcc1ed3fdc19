// `rocket-rpc/zookeeper`: discovery and registration on ZooKeeper (ephemeral nodes, Dubbo-like
// layout). Needs the optional peer dependency `node-zookeeper-client`; the core entry never loads it.
export { ZooKeeperSource, type ZooKeeperSourceOptions } from './discovery/zookeeper.js';
export { ZooKeeperRegistration, type ZooKeeperRegistrationOptions } from './discovery/zookeeper-registration.js';
export { zookeeperProvidersPath, DEFAULT_ZOOKEEPER_ROOT, type ZooKeeperConnectionOptions } from './discovery/zookeeper-session.js';
export type { Registration, ProviderEndpoint, ProviderRecord } from './discovery/registration.js';
