import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ApiProvider, HealthProbeResponder, RemotingCommand, ResponseCode, SerializeType, serializeTypeName } from '../../src/index.js';
import { ServiceHello, ServiceWorld } from '../../examples/service-hello/contract.js';
import { serviceHelloImpl, serviceWorldImpl } from '../../examples/service-hello/provider.js';
import type { BenchResult } from '../../src/cli/bench.js';
import { LatencyHistogram } from '../../src/cli/latency-histogram.js';
import { runCliCaptured as cli } from '../support/cli-in-process.js';

const ECHO_CODE = 77;
let provider: ApiProvider;
let addr: string;
const seen: Array<{ ext: Record<string, string>; body: string; serialize: string }> = [];

before(async () => {
  provider = new ApiProvider({ host: '127.0.0.1', port: 0 });
  provider.register(ServiceHello, serviceHelloImpl).register(ServiceWorld, serviceWorldImpl(() => undefined));
  new HealthProbeResponder(provider.server);
  // A raw processor: records what arrives, answers SUCCESS, or SYSTEM_BUSY when asked to.
  provider.server.registerProcessor(ECHO_CODE, (request) => {
    const ext = Object.fromEntries(request.extFields ?? []);
    if (seen.length < 5) seen.push({ ext, body: Buffer.from(request.body ?? []).toString(), serialize: serializeTypeName(request.serializeType) });
    return RemotingCommand.createResponse(ext.busy === 'yes' ? ResponseCode.SYSTEM_BUSY : ResponseCode.SUCCESS);
  });
  addr = (await provider.start()).addr;
});
after(async () => {
  await provider.close({ graceMs: 0 });
});

function parse(out: string): BenchResult {
  return JSON.parse(out) as BenchResult;
}

test('bench against the probe code: every call answered, counts add up, percentiles ordered', async () => {
  const { code, out } = await cli('bench', addr, '--duration', '0.5', '--concurrency', '4', '--json');
  assert.equal(code, 0);
  const result = parse(out);
  assert.equal(result.target, addr);
  assert.equal(result.request, 'code 9000');
  assert.ok(result.ok > 0);
  assert.equal(result.errors, 0);
  assert.equal(result.calls, result.ok + result.errors);
  assert.deepEqual(result.errorsByCode, {});
  const l = result.latencyMs;
  assert.ok(l.min <= l.p50 && l.p50 <= l.p90 && l.p90 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max, JSON.stringify(l));
  assert.ok(result.durationSec >= 0.5 && result.durationSec < 5);
  assert.ok(Math.abs(result.callsPerSec - result.calls / result.durationSec) <= 1 + result.calls * 0.01);
});

test('a raw request carries its ext fields, body and header type; non-SUCCESS answers are errors by code', async () => {
  seen.length = 0;
  const { code, out } = await cli('bench', addr, '--code', String(ECHO_CODE), '--ext', 'topic=t1', '--body', 'hello', '--serialize', 'rocketmq', '--duration', '0.2', '--concurrency', '2', '--json');
  assert.equal(code, 0);
  assert.deepEqual(seen[0], { ext: { topic: 't1' }, body: 'hello', serialize: serializeTypeName(SerializeType.ROCKETMQ) });
  assert.equal(parse(out).request, `code ${ECHO_CODE} +1 ext field(s) +5 byte body`);
  const busy = await cli('bench', addr, '--code', String(ECHO_CODE), '--ext', 'busy=yes', '--duration', '0.2', '--concurrency', '2', '--json');
  assert.equal(busy.code, 1, 'no call succeeded');
  const result = parse(busy.out);
  assert.equal(result.ok, 0);
  assert.ok(result.errors > 0);
  assert.deepEqual(result.errorsByCode, { SYSTEM_BUSY: result.errors });
  // A code nobody serves: the engine answers REQUEST_CODE_NOT_SUPPORTED.
  const unknown = parse((await cli('bench', addr, '--code', '4242', '--duration', '0.1', '--concurrency', '1', '--json')).out);
  assert.deepEqual(Object.keys(unknown.errorsByCode), ['REQUEST_CODE_NOT_SUPPORTED']);
});

test('bench a service method through the RPC layer, by name, over several connections, as a table', async () => {
  const { code, out } = await cli('bench', addr, '--service', ServiceHello.serviceName, '--method', 'sayHelloInteger', '--args', '[1,2]', '--duration', '0.3', '--concurrency', '4', '--connections', '2');
  assert.equal(code, 0);
  assert.match(out, new RegExp(`^target   ${addr}  public abstract java\\.lang\\.Integer com\\.uext\\.remote\\.rf\\.service\\.ServiceHello\\.sayHelloInteger\\(java\\.lang\\.Integer,java\\.lang\\.Integer\\) \\[1,2\\]  \\(json header\\)\n`));
  const lines = out.split('\n');
  assert.equal(lines[1], 'load     4 in flight over 2 connection(s), 0.3 s');
  const calls = lines[2]!.split(/ +/);
  assert.equal(calls[0], 'calls');
  assert.match(calls[2]!, /^\(\d+\/s\)$/);
  assert.deepEqual(lines.slice(3, 5), [`ok       ${calls[1]}`, 'errors   0']);
  assert.match(lines[5]!, /^latency {2}p50 [\d.]+ ms {3}p90 [\d.]+ ms {3}p99 [\d.]+ ms {3}max [\d.]+ ms$/);
  assert.equal(lines[6], '');
  // A call the provider rejects is counted by its remote code.
  const bad = parse((await cli('bench', addr, '--service', ServiceHello.serviceName, '--method', 'sayHelloInteger', '--args', '[null,2]', '--duration', '0.1', '--concurrency', '1', '--json')).out);
  assert.equal(bad.ok, 0);
  assert.deepEqual(Object.keys(bad.errorsByCode), ['REMOTE SYSTEM_ERROR']);
});

test('bench usage errors exit 2', async () => {
  assert.equal((await cli('bench')).code, 2);
  assert.equal((await cli('bench', addr, '--service', 'x')).code, 2);
  assert.equal((await cli('bench', addr, '--code', '1', '--method', 'm', '--service', 's')).code, 2);
  assert.equal((await cli('bench', addr, '--serialize', 'xml')).code, 2);
  assert.equal((await cli('bench', addr, '--concurrency', '2', '--connections', '3')).code, 2);
  assert.equal((await cli('bench', addr, '--ext', 'novalue')).code, 2);
  assert.equal((await cli('bench', addr, '--duration', '-1')).code, 2);
});

test('latency percentiles are within 1 % of the exact ones; min and max are exact', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: 0.001, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (samples, fraction) => {
      const histogram = new LatencyHistogram();
      for (const sample of samples) histogram.record(sample);
      const sorted = [...samples].sort((a, b) => a - b);
      const exact = sorted[Math.max(1, Math.ceil(fraction * sorted.length)) - 1]!;
      const estimate = histogram.percentile(fraction);
      assert.ok(estimate >= exact * 0.99 && estimate <= exact * 1.0101, `${estimate} vs ${exact}`);
      assert.equal(histogram.min, sorted[0]);
      assert.equal(histogram.max, sorted[sorted.length - 1]);
      assert.equal(histogram.count, samples.length);
    }),
  );
});

test('on a terminal a progress line updates in place and is cleared before the table', async () => {
  const { runCli } = await import('../../src/cli/run.js');
  const { PassThrough } = await import('node:stream');
  const stdout = Object.assign(new PassThrough(), { isTTY: true });
  let out = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await runCli(['bench', addr, '--duration', '1.3', '--concurrency', '1'], { stdout, stderr: new PassThrough(), stdin: new PassThrough() });
  assert.equal(code, 0);
  const clear = '\r\u001b[K';
  assert.ok(out.startsWith(`${clear}1s  calls `), JSON.stringify(out));
  const [progress, table] = out.slice(clear.length).split(clear);
  assert.match(progress!, /^1s {2}calls \d+ {2}\d+\/s {2}errors 0 {2}p99 [\d.]+ ms$/);
  assert.ok(table!.startsWith('target   '));
});
