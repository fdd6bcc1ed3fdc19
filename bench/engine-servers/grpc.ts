/** The @grpc/grpc-js baseline's server: one unary method that echoes the request's body. */
import * as grpc from '@grpc/grpc-js';
import { loadEchoService, type EchoReply, type EchoRequest } from '../engine-grpc-service.js';
import { serve } from './control.js';

const service = loadEchoService();
const server = new grpc.Server();
server.addService(service.definition, {
  echo: (call: grpc.ServerUnaryCall<EchoRequest, EchoReply>, callback: grpc.sendUnaryData<EchoReply>) => {
    callback(null, { body: call.request.body });
  },
});

serve({
  start: () =>
    new Promise((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
    }),
  stop: () =>
    new Promise((resolve) => {
      server.tryShutdown(() => resolve());
      setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 1000).unref();
    }),
});
