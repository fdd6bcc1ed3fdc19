import { metrics, trace, type MeterProvider, type TextMapPropagator, type TracerProvider } from '@opentelemetry/api';
import { registerInstrumentation } from '../instrumentation.js';
import { RpcMetrics } from './metrics.js';
import { GlobalOrFallbackPropagator, OpenTelemetryInstrumentation } from './otel-instrumentation.js';
import { W3CTraceContext } from './propagation.js';

/** The instrumentation scope name of every metric and span. */
export const INSTRUMENTATION_SCOPE = 'rocket-rpc';

export interface OpenTelemetryOptions {
  /** Where metrics go. Default: the global one (`metrics.setGlobalMeterProvider`, or an SDK's `start()`). */
  meterProvider?: MeterProvider;
  /** Where spans go. Default: the global one (`trace.setGlobalTracerProvider`, `NodeTracerProvider.register()`). */
  tracerProvider?: TracerProvider;
  /** How trace context is written to ext fields. Default: the global propagator if one is set, else W3C Trace Context. */
  propagator?: TextMapPropagator;
  /** Record metrics. Default true. */
  metrics?: boolean;
  /** Record spans and propagate trace context. Default true. */
  tracing?: boolean;
}

export interface OpenTelemetryHandle {
  /** Stops observing: calls are no longer measured or traced, the observable instruments stop reporting. */
  disable(): void;
}

/**
 * Turns on OpenTelemetry metrics and tracing for every rocket-rpc engine in the process (clients,
 * servers, consumers, providers, clusters). Until it is called the engine records nothing and pays
 * nothing; after it, what is recorded goes to the (global or given) providers. Calling it again
 * replaces the previous setup.
 */
export function enableOpenTelemetry(options: OpenTelemetryOptions = {}): OpenTelemetryHandle {
  const rpcMetrics = options.metrics === false ? undefined : new RpcMetrics((options.meterProvider ?? metrics).getMeter(INSTRUMENTATION_SCOPE));
  const tracer = options.tracing === false ? undefined : (options.tracerProvider ?? trace).getTracer(INSTRUMENTATION_SCOPE);
  const propagator = options.propagator ?? new GlobalOrFallbackPropagator(new W3CTraceContext());
  const unregister = registerInstrumentation(new OpenTelemetryInstrumentation(rpcMetrics, tracer, propagator));
  let enabled = true;
  current?.disable();
  const handle: OpenTelemetryHandle = {
    disable() {
      if (!enabled) return;
      enabled = false;
      unregister();
      rpcMetrics?.close();
      if (current === handle) current = undefined;
    },
  };
  current = handle;
  return handle;
}

let current: OpenTelemetryHandle | undefined;
