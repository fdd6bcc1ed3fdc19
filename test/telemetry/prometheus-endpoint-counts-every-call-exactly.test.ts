import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiConsumer, ApiProvider, defineContract, J, method, RemoteError, RemotingCommand, RemotingError } from '../../src/index.js';
import { startPrometheusExporter, type PrometheusExporterHandle } from '../../src/otel.js';
import { deferred, RecordingLogger } from '../support/transport-harness.js';
import { scrape, scrapeUntil, valueOf, type Sample } from '../support/prometheus-text.js';

const Greeter = defineContract('com.acme.Greeter', {
  greet: method([J.String], J.String),
  fail: method([J.String], J.String),
  slow: method([J.String], J.String),
  note: method([J.String], J.void),
});

let metrics: PrometheusExporterHandle;
let provider: ApiProvider;
let consumer: ApiConsumer;
let addr: string;
const clientLog = new RecordingLogger();
const releaseSlow = deferred();
const notes: string[] = [];

before(async () => {
  metrics = await startPrometheusExporter({ host: '127.0.0.1', port: 0, tracing: false });
  provider = new ApiProvider({ host: '127.0.0.1', port: 0, logger: new RecordingLogger() });
  provider.register(Greeter, {
    greet: (name) => `hello ${name}`,
    fail: () => {
      throw new Error('no greeting today');
    },
    slow: async (name) => {
      await releaseSlow.promise;
      return `late ${name}`;
    },
    note: (line) => void notes.push(String(line)),
  });
  ({ addr } = await provider.start());
  consumer = new ApiConsumer({ target: addr, logger: clientLog });
});

after(async () => {
  releaseSlow.resolve();
  await consumer.close();
  await provider.close({ graceMs: 0 });
  await metrics.close();
});

const port = (): string => addr.split(':')[1]!;
/** Labels of a call to the provider (both sides name the provider's address as `server.*`). */
const call = (labels: Record<string, string>): Record<string, string> => ({
  rpc_system_name: 'rocketmq_remoting',
  server_address: '127.0.0.1',
  server_port: port(),
  ...labels,
});
const count = (samples: Sample[], name: string, labels: Record<string, string>): number => valueOf(samples, name, labels, ['otel_scope_name', 'otel_scope_version', 'otel_scope_schema_url']);

test('after known calls a scrape over HTTP shows exact call counts by method, status and error type; oneway calls are counted apart', { timeout: 20_000 }, async () => {
  const hello = consumer.proxy(Greeter);
  for (const name of ['a', 'b', 'c']) assert.equal(await hello.greet(name), `hello ${name}`);
  await assert.rejects(hello.fail('x'), (error: unknown) => error instanceof RemoteError && error.responseCode === 1);
  await assert.rejects(hello.slow.with({ timeoutMs: 100 })('y'), (error: unknown) => error instanceof RemotingError && error.code === 'TIMEOUT');
  await hello.note('one');
  await hello.note('two');
  // A raw engine call to a code nobody serves: named by its code on the client, _OTHER on the server.
  const unknown = await consumer.client.invokeSync(addr, RemotingCommand.createRequest(77), 3000);
  assert.equal(unknown.code, 3);
  releaseSlow.resolve();
  // The slow call's late answer reaches the client (and is dropped) after the server measured it.
  await clientLog.waitFor((entry) => entry.message.startsWith('dropping a response'));

  const samples = await scrapeUntil(metrics.url, (s) => count(s, 'rocket_rpc_server_oneway_calls_total', call({ rpc_method: 'com.acme.Greeter/note' })) === 2);
  const client = 'rpc_client_call_duration_count';
  const server = 'rpc_server_call_duration_count';
  assert.equal(count(samples, client, call({ rpc_method: 'com.acme.Greeter/greet', rpc_response_status_code: '0' })), 3);
  assert.equal(count(samples, client, call({ rpc_method: 'com.acme.Greeter/fail', rpc_response_status_code: '1', error_type: '1' })), 1);
  assert.equal(count(samples, client, call({ rpc_method: 'com.acme.Greeter/slow', error_type: 'TIMEOUT' })), 1);
  assert.equal(count(samples, client, call({ rpc_method: '77', rpc_response_status_code: '3', error_type: '3' })), 1);
  assert.equal(count(samples, 'rocket_rpc_client_oneway_calls_total', call({ rpc_method: 'com.acme.Greeter/note' })), 2);
  assert.equal(count(samples, client, call({ rpc_method: 'com.acme.Greeter/note' })), 0, 'oneway calls are not in the duration histogram');

  assert.equal(count(samples, server, call({ rpc_method: 'com.acme.Greeter/greet', rpc_response_status_code: '0' })), 3);
  assert.equal(count(samples, server, call({ rpc_method: 'com.acme.Greeter/fail', rpc_response_status_code: '1', error_type: '1' })), 1);
  assert.equal(count(samples, server, call({ rpc_method: 'com.acme.Greeter/slow', rpc_response_status_code: '0' })), 1, 'the server finished the call the client gave up on');
  assert.equal(count(samples, server, call({ rpc_method: '_OTHER', rpc_response_status_code: '3', error_type: '3' })), 1);
  assert.equal(count(samples, 'rocket_rpc_server_oneway_calls_total', call({ rpc_method: 'com.acme.Greeter/note' })), 2);
  assert.deepEqual(notes, ['one', 'two']);

  // Every histogram bucket set ends with +Inf holding the count.
  const inf = samples.find((s) => s.name === 'rpc_client_call_duration_bucket' && s.labels.rpc_method === 'com.acme.Greeter/greet' && s.labels.le === '+Inf');
  assert.equal(inf?.value, 3);
});

test('engine state is observed at scrape time: connections, pending calls, traffic', { timeout: 20_000 }, async () => {
  const samples = await scrape(metrics.url);
  const engine = (name: string, labels: Record<string, string>): number => count(samples, name, labels);
  assert.equal(engine('rocket_rpc_connection_open', { rocket_rpc_side: 'client' }), 1);
  assert.equal(engine('rocket_rpc_connection_open', { rocket_rpc_side: 'server' }), 1);
  assert.equal(engine('rocket_rpc_client_pending_calls', { rocket_rpc_side: 'client' }), 0);
  // 3 greet + fail + slow + 77 = 6 requests with answers, 2 oneway: 8 frames each way on the client (answers: 6 + the late one = 7 in).
  assert.equal(engine('rocket_rpc_io_frames_total', { rocket_rpc_side: 'client', network_io_direction: 'transmit' }), 8);
  assert.equal(engine('rocket_rpc_io_frames_total', { rocket_rpc_side: 'client', network_io_direction: 'receive' }), 6);
  assert.equal(engine('rocket_rpc_io_frames_total', { rocket_rpc_side: 'server', network_io_direction: 'receive' }), 8);
  assert.equal(engine('rocket_rpc_io_frames_total', { rocket_rpc_side: 'server', network_io_direction: 'transmit' }), 6);
  const sent = engine('rocket_rpc_io_bytes_total', { rocket_rpc_side: 'client', network_io_direction: 'transmit' });
  assert.equal(engine('rocket_rpc_io_bytes_total', { rocket_rpc_side: 'server', network_io_direction: 'receive' }), sent, 'every byte the client sent was received');
  assert.ok(sent > 0);
});
