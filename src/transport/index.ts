export { RemotingClient, type RemotingClientOptions, type ClientConnectionLimitOptions, type ResponseFuture, type InvokeCallback, type Connector } from './remoting-client.js';
export { RemotingServer, type RemotingServerOptions, type RemotingServerStats, type ServerAddress, type CloseOptions } from './remoting-server.js';
export type { ConnectionLimitOptions, ConnectionLimitCounters } from './connection-limits.js';
export { Channel } from './channel.js';
export { Executor, type ExecutorOptions } from './executor.js';
export { Semaphore, type Permit } from './semaphore.js';
export { exceptionSimpleDesc, type InvokeOptions } from './remoting-endpoint.js';
export type { RequestContext, RequestProcessor, ProcessorLike, ProcessorFunction, ProcessResult, RpcHook, ChannelEvent, ChannelEventType, Logger } from './processor.js';
export { parseAddress, formatAddress, type HostPort } from './address.js';
export {
  RemotingConnectError,
  RemotingSendRequestError,
  RemotingTimeoutError,
  RemotingTooMuchRequestError,
  ConnectionClosedError,
  AbortedError,
  EngineClosedError,
  ExecutorRejectedError,
  ConnectionLimitError,
  type ConnectionLimitReason,
} from './errors.js';
export { InMemoryNetwork, createStreamPair } from './in-memory.js';
export { WorkerProcessor, type WorkerProcessorOptions } from './worker-processor.js';
export { AclClientRpcHook, aclSignature, type SessionCredentials } from './acl-hook.js';
export { RemotingPeer, type RemotingPeerEvents, type RemotingPeerOptions } from './remoting-peer.js';
