export * from './errors.js';
export * from './protocol/index.js';
export * from './transport/index.js';
export * from './rpc/index.js';
export * from './discovery/index.js';
export * from './balance/index.js';
export * from './health/index.js';
export * from './serve/index.js';
