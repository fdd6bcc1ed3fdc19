import { performance } from 'node:perf_hooks';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type TextMapPropagator, type TextMapGetter, type TextMapSetter, type Tracer } from '@opentelemetry/api';
import type { RemotingCommand } from '../../protocol/command.js';
import type { CallScope, ClientCallStart, Instrumentation, ServerCallScope, ServerCallStart } from '../instrumentation.js';
import { addAddress, clientMethod, RPC_SYSTEM_NAME, SeriesCache, serverMethod, type SeriesAttributes } from './attributes.js';
import { SEED_RPC_REQUEST_CODE, SeedRpcFields } from '../../rpc/seed-request.js';
import type { RpcMetrics } from './metrics.js';
import { extFieldGetter, extFieldSetter } from './propagation.js';

/**
 * The OpenTelemetry side of the engine's instrumentation hook: one CLIENT span and one duration
 * measurement per call sent, one SERVER span and measurement per call received, trace context
 * written to and read from the request's ext fields.
 */
export class OpenTelemetryInstrumentation implements Instrumentation {
  private readonly clientSeries = new SeriesCache();
  private readonly serverSeries = new SeriesCache();

  constructor(
    private readonly metrics: RpcMetrics | undefined,
    private readonly tracer: Tracer | undefined,
    private readonly propagator: TextMapPropagator,
  ) {}

  clientCall(call: ClientCallStart): CallScope {
    const { request, addr, oneway } = call;
    const key = request.code === SEED_RPC_REQUEST_CODE ? `${addr}|${request.getExt(SeedRpcFields.INTERFACE_NAME)}|${request.getExt(SeedRpcFields.METHOD_NAME)}` : `${addr}|${request.code}`;
    const series = this.clientSeries.get(key, () => {
      const attributes: Attributes = { 'rpc.system.name': RPC_SYSTEM_NAME, 'rpc.method': clientMethod(request) };
      addAddress(attributes, addr, 'server');
      return attributes;
    });
    let span: Span | undefined;
    if (this.tracer !== undefined) {
      const parent = context.active();
      span = this.tracer.startSpan(series.start['rpc.method'] as string, { kind: SpanKind.CLIENT, attributes: series.start }, parent);
      this.propagator.inject(trace.setSpan(parent, span), request, extFieldSetter);
    }
    return new ClientScope(this.metrics, span, series, oneway);
  }

  serverCall(call: ServerCallStart): ServerCallScope {
    const { request } = call;
    const method = serverMethod(request, call.method);
    const series = this.serverSeries.get(`${call.localAddress}|${method}`, () => {
      const attributes: Attributes = { 'rpc.system.name': RPC_SYSTEM_NAME, 'rpc.method': method };
      addAddress(attributes, call.localAddress, 'server');
      return attributes;
    });
    let span: Span | undefined;
    let spanContext: Context | undefined;
    if (this.tracer !== undefined) {
      const parent = this.propagator.extract(ROOT_CONTEXT, request, extFieldGetter);
      const spanAttributes: Attributes = { ...series.start };
      addAddress(spanAttributes, call.remoteAddress, 'client');
      span = this.tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: spanAttributes }, parent);
      spanContext = trace.setSpan(parent, span);
    }
    return new ServerScope(this.metrics, span, spanContext, series, request.isOneway());
  }
}

/**
 * The global propagator when one is registered (e.g. by `NodeTracerProvider.register()`, which may
 * add baggage), else W3C Trace Context: decided per call, so registering one later takes effect.
 */
export class GlobalOrFallbackPropagator implements TextMapPropagator {
  constructor(private readonly fallback: TextMapPropagator) {}

  inject(target: Context, carrier: unknown, setter: TextMapSetter): void {
    if (propagation.fields().length > 0) propagation.inject(target, carrier, setter);
    else this.fallback.inject(target, carrier, setter);
  }

  extract(target: Context, carrier: unknown, getter: TextMapGetter): Context {
    return propagation.fields().length > 0 ? propagation.extract(target, carrier, getter) : this.fallback.extract(target, carrier, getter);
  }

  fields(): string[] {
    const global = propagation.fields();
    return global.length > 0 ? global : this.fallback.fields();
  }
}

class ClientScope implements CallScope {
  private readonly begin = performance.now();

  constructor(
    private readonly metrics: RpcMetrics | undefined,
    private readonly span: Span | undefined,
    private readonly series: SeriesAttributes,
    private readonly oneway: boolean,
  ) {}

  end(response: RemotingCommand | null, error: unknown): void {
    const seconds = (performance.now() - this.begin) / 1000;
    const attributes = this.series.outcome(response, error);
    if (this.metrics !== undefined) {
      if (this.oneway) this.metrics.clientOneway.add(1, attributes);
      else this.metrics.clientDuration.record(seconds, attributes);
    }
    if (this.span !== undefined) endSpan(this.span, attributes, response, error);
  }
}

class ServerScope implements ServerCallScope {
  private readonly begin = performance.now();

  constructor(
    private readonly metrics: RpcMetrics | undefined,
    private readonly span: Span | undefined,
    private readonly spanContext: Context | undefined,
    private readonly series: SeriesAttributes,
    private readonly oneway: boolean,
  ) {}

  run<T>(fn: () => T): T {
    return this.spanContext === undefined ? fn() : context.with(this.spanContext, fn);
  }

  end(response: RemotingCommand | null, error: unknown): void {
    const seconds = (performance.now() - this.begin) / 1000;
    const attributes = this.series.outcome(response, error);
    if (this.metrics !== undefined) {
      if (this.oneway) this.metrics.serverOneway.add(1, attributes);
      else this.metrics.serverDuration.record(seconds, attributes);
    }
    if (this.span !== undefined) endSpan(this.span, attributes, response, error);
  }
}

function endSpan(span: Span, attributes: Attributes, response: RemotingCommand | null, error: unknown): void {
  const status = attributes['rpc.response.status_code'];
  if (status !== undefined) span.setAttribute('rpc.response.status_code', status);
  const type = attributes['error.type'];
  if (type !== undefined) {
    span.setAttribute('error.type', type);
    if (error instanceof Error) span.recordException(error);
    // The remark of an error answer is the peer's exception text (never arguments or bodies).
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : (response?.remark ?? undefined) });
  }
  span.end();
}
