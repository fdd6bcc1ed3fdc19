/**
 * The rocket-rpc server of the engine benchmark: a `RemotingServer` whose processor answers the
 * benchmark's request code with SUCCESS and the request's body. The response uses the request's
 * header serialization, so one server serves the JSON and the ROCKETMQ runs.
 */
import { RemotingCommand, ResponseCode } from '../../src/protocol/index.js';
import { RemotingServer } from '../../src/transport/index.js';
import { REQUEST_CODE } from '../engine-payloads.js';
import { serve } from './control.js';

const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
server.registerProcessor(REQUEST_CODE, (request) => RemotingCommand.createResponse(ResponseCode.SUCCESS, null, { body: request.body }));

serve({
  start: async () => (await server.start()).port,
  stop: () => server.close({ graceMs: 500 }),
});
