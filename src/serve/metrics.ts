import { ServeError } from './errors.js';

/** A running metrics endpoint (Prometheus text over HTTP). */
export interface MetricsEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

interface OtelEntry {
  startPrometheusExporter?: (options: { port: number; host: string }) => Promise<{ url?: string; close?: () => Promise<void>; shutdown?: () => Promise<void> }>;
}

// Resolved at run time from the compiled file's own folder (`dist/serve/` → `dist/otel.js`), so the
// core build neither needs the OpenTelemetry packages nor fails when that entry is absent.
const OTEL_ENTRY = '../otel.js';

/**
 * Serves the process's metrics for Prometheus on `host:port`, through the `rocket-rpc/otel` entry
 * (which needs the optional OpenTelemetry packages). The one place `serve` touches metrics.
 */
export async function startMetrics(port: number, host: string): Promise<MetricsEndpoint> {
  let entry: OtelEntry;
  try {
    entry = (await import(new URL(OTEL_ENTRY, import.meta.url).href)) as OtelEntry;
  } catch (error) {
    throw new ServeError(
      'MISSING_DEPENDENCY',
      'metrics need @opentelemetry/api, @opentelemetry/sdk-metrics and @opentelemetry/exporter-prometheus (npm install them) and the rocket-rpc/otel entry',
      { cause: error },
    );
  }
  if (typeof entry.startPrometheusExporter !== 'function') throw new ServeError('MISSING_DEPENDENCY', 'metrics need the rocket-rpc/otel entry with startPrometheusExporter()');
  const exporter = await entry.startPrometheusExporter({ port, host });
  return {
    url: exporter.url ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    close: async () => {
      await (exporter.close ?? exporter.shutdown)?.call(exporter);
    },
  };
}
