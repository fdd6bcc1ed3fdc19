import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, createTraceState, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ApiConsumer, ApiProvider, defineContract, J, method, RemoteError, RemotingCommand } from '../../src/index.js';
import { enableOpenTelemetry, type OpenTelemetryHandle } from '../../src/otel.js';
import { silentLogger } from '../../src/telemetry/log.js';

const Hop = defineContract('com.acme.Hop', {
  relay: method([J.String], J.String),
});

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();
let otel: OpenTelemetryHandle;
const providers: ApiProvider[] = [];
const consumers: ApiConsumer[] = [];
let entry: ApiConsumer;
let addrA: string;
let traceStateSeenByC: string | undefined;

/** A provider whose `relay` calls the next provider (or answers, or fails, at the end of the chain). */
async function startHop(name: string, next: string | null, concurrency = 64): Promise<string> {
  const provider = new ApiProvider({ host: '127.0.0.1', port: 0, logger: silentLogger });
  const onward = next === null ? null : new ApiConsumer({ target: next, logger: silentLogger });
  if (onward !== null) consumers.push(onward);
  provider.register(Hop, {
    relay: async (text) => {
      if (onward !== null) return `${name}>${await onward.proxy(Hop).relay(text)}`;
      traceStateSeenByC = trace.getSpan(context.active())?.spanContext().traceState?.serialize();
      if (text === 'fail') throw new Error('end of the line');
      return `${name}:${text}`;
    },
  }, { executor: { concurrency } });
  providers.push(provider);
  return (await provider.start()).addr;
}

before(async () => {
  context.setGlobalContextManager(contextManager.enable());
  otel = enableOpenTelemetry({ tracerProvider, metrics: false });
  const addrC = await startHop('C', null);
  // B runs one call at a time: a second call waits in its executor's queue.
  const addrB = await startHop('B', addrC, 1);
  addrA = await startHop('A', addrB);
  entry = new ApiConsumer({ target: addrA, logger: silentLogger });
  consumers.push(entry);
});

after(async () => {
  for (const consumer of consumers) await consumer.close();
  for (const provider of providers) await provider.close({ graceMs: 0 });
  otel.disable();
  await tracerProvider.shutdown();
  propagation.disable();
  context.disable();
});

beforeEach(() => {
  exporter.reset();
  propagation.disable();
});

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** The six spans of one A → B → C call, in causal order, checked link by link. */
function assertChain(spans: ReadableSpan[], rootParent?: string): ReadableSpan[] {
  assert.equal(spans.length, 6, `six spans: ${spans.map((s) => `${SpanKind[s.kind]} ${s.name}`).join(', ')}`);
  const traceIds = new Set(spans.map((span) => span.spanContext().traceId));
  assert.equal(traceIds.size, 1, 'one trace id across the three hops');
  const roots = spans.filter((span) => parentOf(span) === rootParent);
  assert.equal(roots.length, 1, 'one first span: the client span of the call to A');
  const chain = [roots[0]!];
  while (chain.length < spans.length) {
    const last = chain[chain.length - 1]!;
    const children = spans.filter((span) => parentOf(span) === last.spanContext().spanId);
    assert.equal(children.length, 1, `one child of ${SpanKind[last.kind]} span #${chain.length}`);
    chain.push(children[0]!);
  }
  assert.deepEqual(chain.map((span) => span.kind), [SpanKind.CLIENT, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.SERVER]);
  for (const span of chain) {
    assert.equal(span.name, 'com.acme.Hop/relay');
    assert.equal(span.attributes['rpc.system.name'], 'rocketmq_remoting');
    assert.equal(span.attributes['rpc.method'], 'com.acme.Hop/relay');
    assert.equal(span.attributes['server.address'], '127.0.0.1');
  }
  return chain;
}

test('one trace crosses A → B → C: a client and a server span per call, each the parent of the next', { timeout: 20_000 }, async () => {
  assert.equal(await entry.proxy(Hop).relay('x'), 'A>B>C:x');
  const chain = assertChain(exporter.getFinishedSpans());
  for (const span of chain) {
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(span.attributes['rpc.response.status_code'], '0');
  }
  assert.equal(chain[0]!.attributes['server.port'], Number(addrA.split(':')[1]));
});

test('with the SDK W3C propagator registered, a call inside an application span joins its trace and tracestate reaches C', { timeout: 20_000 }, async () => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const upstream = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: createTraceState('vendor=abc'),
  });
  const outer = tracerProvider.getTracer('app').startSpan('checkout', {}, upstream);
  await context.with(trace.setSpan(upstream, outer), () => entry.proxy(Hop).relay('y'));
  outer.end();
  const spans = exporter.getFinishedSpans().filter((span) => span.name !== 'checkout');
  const chain = assertChain(spans, outer.spanContext().spanId);
  assert.equal(chain[0]!.spanContext().traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(traceStateSeenByC, 'vendor=abc');
});

test('a call that waited in an executor queue keeps its own trace', { timeout: 20_000 }, async () => {
  const results = await Promise.all([entry.proxy(Hop).relay('p'), entry.proxy(Hop).relay('q')]);
  assert.deepEqual(results, ['A>B>C:p', 'A>B>C:q']);
  const byTrace = new Map<string, ReadableSpan[]>();
  for (const span of exporter.getFinishedSpans()) {
    const id = span.spanContext().traceId;
    byTrace.set(id, [...(byTrace.get(id) ?? []), span]);
  }
  assert.equal(byTrace.size, 2);
  for (const spans of byTrace.values()) assertChain(spans);
});

test('a failing call marks the spans on its path as errors with error.type and the response code', { timeout: 20_000 }, async () => {
  await assert.rejects(entry.proxy(Hop).relay('fail'), RemoteError);
  const spans = exporter.getFinishedSpans();
  assert.equal(spans.length, 6);
  for (const span of spans) {
    assert.equal(span.status.code, SpanStatusCode.ERROR, `${SpanKind[span.kind]} span of hop`);
    assert.equal(span.attributes['error.type'], '1');
    assert.equal(span.attributes['rpc.response.status_code'], '1');
  }
});

test('a raw engine request carries traceparent in its ext fields, and only trace context is added', { timeout: 20_000 }, async () => {
  const request = RemotingCommand.createRequest(9000);
  await entry.client.invokeSync(addrA, request, 3000);
  const traceparent = request.getExt('traceparent');
  assert.match(traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.deepEqual([...(request.extFields?.keys() ?? [])], ['traceparent']);
  const [client] = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
  assert.equal(traceparent, `00-${client!.spanContext().traceId}-${client!.spanContext().spanId}-01`);
});
