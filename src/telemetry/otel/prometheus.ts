import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RemotingError } from '../../errors.js';
import { formatAddress } from '../../transport/address.js';
import { enableOpenTelemetry, type OpenTelemetryOptions } from './enable.js';

export interface PrometheusExporterOptions {
  /** Port of the metrics endpoint; 0 picks a free one. Default 9464 (the OpenTelemetry Prometheus default). */
  port?: number;
  /** Listen address. Default `0.0.0.0`. */
  host?: string;
  /** Path of the metrics page. Default `/metrics`. */
  endpoint?: string;
  /** Also trace (spans to the global tracer provider). Default true; false: metrics only. */
  tracing?: boolean;
  /** Passed to `enableOpenTelemetry` (e.g. a propagator). */
  openTelemetry?: Omit<OpenTelemetryOptions, 'meterProvider' | 'metrics' | 'tracing'>;
}

export interface PrometheusExporterHandle {
  /** Where Prometheus scrapes, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The meter provider the exporter reads (add your own instruments to it if you like). */
  readonly meterProvider: import('@opentelemetry/api').MeterProvider;
  /** Stops the HTTP endpoint and the instrumentation, and shuts the meter provider down. */
  close(): Promise<void>;
}

/**
 * Serves rocket-rpc's metrics for Prometheus to scrape, self-contained: a meter provider of
 * `@opentelemetry/sdk-metrics` read by `@opentelemetry/exporter-prometheus` (both optional peer
 * dependencies, loaded only here), an HTTP endpoint, and `enableOpenTelemetry` pointed at it.
 *
 *   const metrics = await startPrometheusExporter({ port: 9464 });
 *   // … curl http://127.0.0.1:9464/metrics
 *   await metrics.close();
 */
export async function startPrometheusExporter(options: PrometheusExporterOptions = {}): Promise<PrometheusExporterHandle> {
  const [{ PrometheusExporter }, { MeterProvider }] = await Promise.all([loadPeer<typeof import('@opentelemetry/exporter-prometheus')>('@opentelemetry/exporter-prometheus'), loadPeer<typeof import('@opentelemetry/sdk-metrics')>('@opentelemetry/sdk-metrics')]);
  const endpoint = options.endpoint ?? '/metrics';
  // Our own HTTP server (the exporter's would not tell which port 0 became, nor where it failed to listen).
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === endpoint) {
      exporter.getMetricsRequestHandler(request, response);
      return;
    }
    response.statusCode = 404;
    response.end(`not found; metrics are at ${endpoint}\n`);
  });
  const host = options.host ?? '0.0.0.0';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: options.port ?? 9464 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await meterProvider.shutdown();
    throw new RemotingError('INVALID_ARGUMENT', `metrics endpoint cannot listen on ${formatAddress(host, options.port ?? 9464)}: ${(error as Error).message}`, { cause: error });
  }
  const instrumentation = enableOpenTelemetry({ ...options.openTelemetry, meterProvider, tracing: options.tracing ?? true });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.address === '0.0.0.0' || bound.address === '::' ? '127.0.0.1' : bound.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${formatAddress(shownHost, bound.port)}${endpoint}`,
    host: bound.address,
    port: bound.port,
    meterProvider,
    close() {
      closing ??= (async () => {
        instrumentation.disable();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await meterProvider.shutdown();
      })();
      return closing;
    },
  };
}

async function loadPeer<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    throw new RemotingError('INVALID_ARGUMENT', `startPrometheusExporter needs the optional peer dependency ${name} (npm install ${name})`, { cause: error });
  }
}
