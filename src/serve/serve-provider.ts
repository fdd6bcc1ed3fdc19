import { readFile } from 'node:fs/promises';
import type tls from 'node:tls';
import { HealthProbeResponder } from '../health/probe.js';
import { ApiProvider } from '../rpc/provider.js';
import type { Logger } from '../transport/processor.js';
import { timerDelay } from '../transport/timer-delay.js';
import { ServeError } from './errors.js';
import { startMetrics } from './metrics.js';
import { registerProvider, wantsRegistry, type RegistrySettings } from './registry.js';
import { applyServeModule, loadServeModule, moduleProviderOptions, type ServeModule } from './serve-module.js';

/** TLS from PEM files. */
export interface TlsFiles {
  readonly key: string;
  readonly cert: string;
  /** CA bundle that client certificates must chain to (with `requireClientCert`). */
  readonly ca?: string;
  /** Mutual TLS: refuse clients without a certificate signed by `ca`. */
  readonly requireClientCert?: boolean;
}

export interface ServeOptions {
  /** The module: a path / package name to import, or the module object or setup function itself. */
  readonly module: string | ServeModule;
  /** Default `0.0.0.0`. */
  readonly host?: string;
  /** Default 8888; 0 picks a free port. */
  readonly port?: number;
  readonly tls?: TlsFiles;
  readonly registry?: RegistrySettings;
  /** Serve Prometheus metrics on this port (needs the `rocket-rpc/otel` entry's packages). */
  readonly metrics?: { readonly port: number; readonly host?: string };
  /** How long `close()` lets in-flight calls finish before cutting connections. Default 10 000 ms. */
  readonly graceMs?: number;
  /**
   * How long `close()` keeps serving after it has deregistered and made health probes answer
   * SYSTEM_BUSY, so consumers move away before the listener closes. Default 0.
   */
  readonly drainMs?: number;
  readonly logger?: Logger;
}

/** A provider being served. */
export interface RunningProvider {
  readonly host: string;
  readonly port: number;
  /** `host:port` as listened on. */
  readonly addr: string;
  readonly services: readonly string[];
  readonly metricsUrl: string | undefined;
  /**
   * Graceful stop: probes answer SYSTEM_BUSY and registry entries are removed, then (after
   * `drainMs`) the listener closes, in-flight calls finish (up to `graceMs`), the module's close
   * runs. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

export const stderrLogger: Logger = {
  debug: () => undefined,
  warn: (message, ...details) => console.warn(`[rocket-rpc serve] ${message}`, ...details),
  error: (message, ...details) => console.error(`[rocket-rpc serve] ${message}`, ...details),
};

export async function readTlsFiles(files: TlsFiles): Promise<tls.TlsOptions> {
  const read = async (file: string, what: string): Promise<Buffer> => {
    try {
      return await readFile(file);
    } catch (error) {
      throw new ServeError('BAD_CONFIG', `cannot read the TLS ${what} ${file}: ${(error as Error).message}`, { cause: error });
    }
  };
  if (files.requireClientCert === true && files.ca === undefined) throw new ServeError('BAD_CONFIG', 'requiring client certificates needs the CA that signs them (--tls-ca)');
  const [key, cert, ca] = await Promise.all([read(files.key, 'key'), read(files.cert, 'certificate'), files.ca === undefined ? undefined : read(files.ca, 'CA')]);
  return { key, cert, ...(ca === undefined ? {} : { ca }), ...(files.requireClientCert === true ? { requestCert: true, rejectUnauthorized: true } : {}) };
}

/**
 * Runs a provider from a module in this process: imports it, registers its services, listens
 * (TLS if asked), answers health probes (code 9000), then registers in etcd / ZooKeeper.
 */
export async function serveProvider(options: ServeOptions): Promise<RunningProvider> {
  const logger = options.logger ?? stderrLogger;
  const module = typeof options.module === 'string' ? await loadServeModule(options.module) : options.module;
  const fromModule = moduleProviderOptions(module);
  const tlsOptions = options.tls === undefined ? undefined : await readTlsFiles(options.tls);
  const metrics = options.metrics === undefined ? undefined : await startMetrics(options.metrics.port, options.metrics.host ?? '0.0.0.0');
  let provider: ApiProvider | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  try {
    provider = new ApiProvider({
      ...fromModule,
      logger: fromModule.logger ?? logger,
      host: options.host ?? '0.0.0.0',
      port: options.port ?? 8888,
      serverOptions: { ...fromModule.serverOptions, ...(tlsOptions === undefined ? {} : { tls: tlsOptions }) },
    });
    cleanup = await applyServeModule(module, provider);
    const health = new HealthProbeResponder(provider.server);
    const address = await provider.start();
    const services = provider.describe().services.map((service) => service.name);
    const deregister = wantsRegistry(options.registry) ? await registerProvider(options.registry, services, address.host, address.port, logger) : undefined;
    const started = provider;
    const finish = cleanup;
    let closing: Promise<void> | undefined;
    const close = async (): Promise<void> => {
      health.drain();
      await deregister?.();
      const drainMs = options.drainMs ?? 0;
      if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, timerDelay(drainMs)));
      await started.close({ graceMs: options.graceMs ?? 10_000 });
      await finish();
      await metrics?.close();
    };
    return { ...address, services, metricsUrl: metrics?.url, close: () => (closing ??= close()) };
  } catch (error) {
    await provider?.close({ graceMs: 0 });
    await cleanup?.().catch((cleanupError: unknown) => logger.warn('the module’s close failed', cleanupError));
    await metrics?.close();
    throw error;
  }
}
