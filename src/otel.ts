/**
 * `rocket-rpc/otel`: OpenTelemetry metrics and tracing for the engine, and a Prometheus endpoint.
 * Needs `@opentelemetry/api` (an optional peer dependency); the Prometheus helper also needs
 * `@opentelemetry/sdk-metrics` and `@opentelemetry/exporter-prometheus`. See docs/telemetry.md.
 */
export { enableOpenTelemetry, INSTRUMENTATION_SCOPE, type OpenTelemetryOptions, type OpenTelemetryHandle } from './telemetry/otel/enable.js';
export { startPrometheusExporter, type PrometheusExporterOptions, type PrometheusExporterHandle } from './telemetry/otel/prometheus.js';
export { W3CTraceContext, extFieldGetter, extFieldSetter } from './telemetry/otel/propagation.js';
export { RPC_SYSTEM_NAME } from './telemetry/otel/attributes.js';
export { DURATION_BUCKETS_S } from './telemetry/otel/metrics.js';
