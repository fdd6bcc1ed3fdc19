export { RemotingClient, type RemotingClientOptions, type ClientConnectionLimitOptions, type ResponseFuture, type InvokeCallback, type Connector } from './remoting-client.js';
export { RemotingServer, type RemotingServerOptions, type RemotingServerStats, type ServerAddress, type CloseOptions } from './remoting-server.js';
export type { ConnectionLimitOptions, ConnectionLimitCounters } from './connection-limits.js';
export { Channel } from './channel.js';
export { Executor, type ExecutorOptions } from './executor.js';
export { Semaphore, type Permit } from './semaphore.js';
export type { InvokeOptions } from './remoting-endpoint.js';
export { errorRemark, exceptionSimpleDesc } from './error-remark.js';
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
export {
  AclVerifier,
  AclCaller,
  AclRemark,
  type AclAccount,
  type AclVerifierOptions,
  type AclVerdict,
  type AclCounts,
  type AclDenialReason,
  type ServiceAllowList,
  type MethodAllowList,
} from './acl-verifier.js';
export { RemotingPeer, type RemotingPeerEvents, type RemotingPeerOptions } from './remoting-peer.js';
