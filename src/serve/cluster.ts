import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatAddress } from '../transport/address.js';
import { timerDelay } from '../transport/timer-delay.js';
import { WORKER_CONFIG_ENV, isWorkerMessage, type StopMessage, type WorkerConfig, type WorkerMessage } from './cluster-messages.js';
import { ServeError } from './errors.js';
import { registerProvider, wantsRegistry } from './registry.js';
import { stderrLogger, type RunningProvider, type ServeOptions } from './serve-provider.js';

export interface ClusterOptions extends ServeOptions {
  /** A module specifier (path or package name): each worker imports it itself. */
  readonly module: string;
  /** Worker processes, ≥ 1. */
  readonly workers: number;
  /** Delay before a worker that died while serving is replaced. Default 1 000 ms. */
  readonly restartDelayMs?: number;
}

export interface RunningCluster extends RunningProvider {
  /** PIDs of the workers serving now. */
  readonly workerPids: () => readonly number[];
  /** Forced stop: SIGKILL every worker now (in-flight calls are lost). */
  kill(): void;
}

const STOP: StopMessage = { type: 'rocket-rpc:stop' };
const workerEntry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cluster-worker.js');

/**
 * Runs `workers` processes serving the module on one port with node:cluster (the primary accepts
 * and hands connections round-robin to the workers; a connection stays with its worker). The
 * primary serves nothing itself: it registers the address once in etcd / ZooKeeper when every
 * worker listens, replaces a worker that dies, and on `close()` deregisters, then has every worker
 * drain and close gracefully. Must be called in the primary process.
 */
export async function serveCluster(options: ClusterOptions): Promise<RunningCluster> {
  if (!cluster.isPrimary) throw new ServeError('BAD_CONFIG', 'serveCluster() runs in the primary process; workers are started by it');
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new ServeError('BAD_CONFIG', `workers must be a positive integer, got ${options.workers}`);
  const logger = options.logger ?? stderrLogger;
  // Resolve a relative path here: workers inherit the cwd, but the setting must not depend on it.
  const module = options.module.startsWith('.') ? path.resolve(options.module) : options.module;
  const base: Omit<WorkerConfig, 'metrics'> = {
    module,
    host: options.host ?? '0.0.0.0',
    port: options.port ?? 8888,
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
    ...(options.drainMs === undefined ? {} : { drainMs: options.drainMs }),
  };
  cluster.setupPrimary({ exec: workerEntry, args: [] });

  const live = new Map<number, Worker>();
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;

  /** Forks worker `index` (0-based) and resolves when it serves; rejects if it exits first. */
  const fork = (index: number): Promise<WorkerMessage & { type: 'rocket-rpc:serving' }> => {
    const metrics = options.metrics === undefined ? undefined : { ...options.metrics, port: options.metrics.port + index };
    // Every worker listens with the same host and port, port 0 included: node:cluster keys the
    // primary's listening socket by them, so all workers share the one the first bound.
    const config: WorkerConfig = { ...base, ...(metrics === undefined ? {} : { metrics }) };
    const worker = cluster.fork({ [WORKER_CONFIG_ENV]: JSON.stringify(config) });
    live.set(index, worker);
    // IPC to a worker that is exiting fails with EPIPE; its 'exit' follows and is what counts.
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_IPC_CHANNEL_CLOSED') logger.warn(`worker ${index + 1}: ${error.message}`);
    });
    return new Promise((resolve, reject) => {
      let serving = false;
      worker.on('message', (message: unknown) => {
        if (!isWorkerMessage(message)) return;
        if (message.type === 'rocket-rpc:serving') {
          serving = true;
          resolve(message);
        } else {
          reject(new ServeError('WORKER_FAILED', `worker ${index + 1}: ${message.message}`));
        }
      });
      worker.once('exit', (code, signal) => {
        if (live.get(index) === worker) live.delete(index);
        if (!serving) {
          reject(new ServeError('WORKER_FAILED', `worker ${index + 1} exited (${signal ?? `code ${code}`}) before serving`));
          return;
        }
        if (stopping) return;
        logger.warn(`worker ${index + 1} (pid ${worker.process.pid}) exited (${signal ?? `code ${code}`}); replacing it`);
        scheduleRestart(index);
      });
    });
  };

  const pendingRestarts = new Set<number>();
  const scheduleRestart = (index: number): void => {
    pendingRestarts.add(index);
    if (restartTimer !== undefined) return;
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      const indexes = [...pendingRestarts];
      pendingRestarts.clear();
      for (const i of indexes) {
        fork(i).catch((error: unknown) => {
          logger.error(`replacement worker ${i + 1} failed`, error);
          if (!stopping) scheduleRestart(i);
        });
      }
    }, timerDelay(options.restartDelayMs ?? 1_000));
  };

  const stopWorkers = async (): Promise<void> => {
    const workers = [...live.values()];
    const limit = (options.drainMs ?? 0) + (options.graceMs ?? 10_000) + 5_000;
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            // A worker that does not finish in time (a module that never closes) is killed.
            const timer = setTimeout(() => worker.process.kill('SIGKILL'), timerDelay(limit));
            worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            if (!worker.isConnected()) worker.process.kill('SIGKILL');
            else worker.send(STOP, (error: Error | null) => error !== null && worker.process.kill('SIGKILL'));
          }),
      ),
    );
  };

  let first: WorkerMessage & { type: 'rocket-rpc:serving' };
  try {
    first = await fork(0);
    await Promise.all(Array.from({ length: options.workers - 1 }, (_, i) => fork(i + 1)));
  } catch (error) {
    stopping = true;
    await stopWorkers();
    throw error;
  }
  let deregister: (() => Promise<void>) | undefined;
  try {
    deregister = wantsRegistry(options.registry) ? await registerProvider(options.registry, first.services, first.host, first.port, logger) : undefined;
  } catch (error) {
    stopping = true;
    await stopWorkers();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    stopping = true;
    clearTimeout(restartTimer);
    await deregister?.();
    await stopWorkers();
  };
  const host = first.host;
  const port = first.port;
  return {
    host,
    port,
    addr: formatAddress(host, port),
    services: first.services,
    metricsUrl: first.metricsUrl,
    workerPids: () => [...live.values()].map((worker) => worker.process.pid).filter((pid): pid is number => pid !== undefined),
    close: () => (closing ??= close()),
    kill: () => {
      stopping = true;
      clearTimeout(restartTimer);
      for (const worker of live.values()) worker.process.kill('SIGKILL');
    },
  };
}
