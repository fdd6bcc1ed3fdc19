import type { TlsFiles } from './serve-provider.js';

/** What the primary tells a worker to serve (passed in the worker's environment, as JSON). */
export interface WorkerConfig {
  readonly module: string;
  readonly host: string;
  readonly port: number;
  readonly tls?: TlsFiles;
  readonly metrics?: { readonly port: number; readonly host?: string };
  readonly graceMs?: number;
  readonly drainMs?: number;
}

export const WORKER_CONFIG_ENV = 'ROCKET_RPC_SERVE_WORKER';

/** Worker → primary. */
export type WorkerMessage =
  | { readonly type: 'rocket-rpc:serving'; readonly host: string; readonly port: number; readonly services: readonly string[]; readonly metricsUrl?: string }
  | { readonly type: 'rocket-rpc:failed'; readonly message: string };

/** Primary → worker: close gracefully, then exit. */
export interface StopMessage {
  readonly type: 'rocket-rpc:stop';
}

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'rocket-rpc:serving' || type === 'rocket-rpc:failed';
}
