/** Loads bench/engine.proto for the gRPC baseline (client and server) with @grpc/proto-loader. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export interface EchoRequest {
  ext: Record<string, string>;
  body: Buffer;
}

export interface EchoReply {
  body: Buffer;
}

export type EchoClient = grpc.Client & {
  echo(request: EchoRequest, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, reply?: EchoReply) => void): grpc.ClientUnaryCall;
};

export interface EchoService {
  client: new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => EchoClient;
  definition: grpc.ServiceDefinition;
}

/** The .proto sits in bench/ of the source tree; the compiled code runs from .build/bench/…. */
function findProtoFile(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'bench', 'engine.proto');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('bench/engine.proto not found above ' + fileURLToPath(import.meta.url));
}

export function loadEchoService(): EchoService {
  const definition = protoLoader.loadSync(findProtoFile(), { keepCase: true, longs: String, defaults: true });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as { rocketrpc: { bench: { Echo: grpc.ServiceClientConstructor } } };
  const Echo = loaded.rocketrpc.bench.Echo;
  return { client: Echo as unknown as EchoService['client'], definition: Echo.service };
}
