/**
 * The engine's own numbers, kept whether or not anyone reads them: plain integers bumped where
 * things happen (a few additions per frame), and registries of the live objects whose state a
 * metrics reader samples when it collects. Nothing here depends on OpenTelemetry.
 */

/** Which side of a connection: the process that connected, or the one that accepted. */
export type EngineSide = 'client' | 'server';

/** Traffic and refusals of every connection of one side, since the process started. */
export interface IoCounters {
  bytesIn: number;
  bytesOut: number;
  framesIn: number;
  framesOut: number;
  connectionsOpened: number;
  connectionsClosed: number;
  /** Frames refused (the connection was then closed), by reason (`ProtocolError.reason`). */
  readonly framesRefused: Map<string, number>;
  /** Connections refused or cut before they were served, by reason. */
  readonly connectionsRefused: Map<string, number>;
}

function newIoCounters(): IoCounters {
  return { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0, connectionsOpened: 0, connectionsClosed: 0, framesRefused: new Map(), connectionsRefused: new Map() };
}

export const ioCounters: Readonly<Record<EngineSide, IoCounters>> = { client: newIoCounters(), server: newIoCounters() };

export function countReason(counts: Map<string, number>, reason: string): void {
  counts.set(reason, (counts.get(reason) ?? 0) + 1);
}

/** A point-in-time view of one engine (`RemotingClient` / `RemotingServer`). */
export interface EngineStats {
  readonly side: EngineSide;
  readonly connections: number;
  /** Calls this engine sent and is waiting on. */
  readonly pendingCalls: number;
  /** Requests this engine is processing. */
  readonly requestsInFlight: number;
  readonly asyncPermitsInUse: number;
  readonly onewayPermitsInUse: number;
}

export interface EngineStatsSource {
  stats(): EngineStats;
}

/** What a metrics reader needs of an executor. */
export interface ExecutorStatsSource {
  readonly name: string;
  readonly active: number;
  readonly queued: number;
}

/** Counters of one executor name, kept after its executors are gone (counters never go back). */
export interface ExecutorCounters {
  rejected: number;
}

/** A point-in-time view of one service cluster. */
export interface ClusterStats {
  readonly name: string;
  readonly instances: number;
  readonly healthy: number;
  readonly unhealthy: number;
  readonly unknown: number;
  readonly ejected: number;
}

export interface ClusterStatsSource {
  stats(): ClusterStats;
}

/** Counters of one cluster name. */
export interface ClusterCounters {
  probesSent: number;
  probesFailed: number;
  /** Attempts after the first (a call resent to another provider). */
  failovers: number;
  /** Retries the retry budget refused. */
  retryBudgetRefusals: number;
  ejections: number;
}

/** Registry entries of a provider and whether each is written now. */
export interface RegistrationStatsSource {
  registrationStates(): ReadonlyArray<{ readonly key: string; readonly registered: boolean }>;
}

/**
 * Live objects, held weakly so that being observable never keeps one alive; dead references are
 * dropped when read.
 */
class LiveSet<T extends object> {
  private readonly refs = new Set<WeakRef<T>>();
  private readonly index = new WeakMap<T, WeakRef<T>>();
  /** Size at which dead references are swept even if nobody reads the set (no metrics registered). */
  private sweepAt = 64;

  add(item: T): void {
    if (this.index.has(item)) return;
    const ref = new WeakRef(item);
    this.index.set(item, ref);
    this.refs.add(ref);
    if (this.refs.size >= this.sweepAt) {
      for (const entry of this.refs) if (entry.deref() === undefined) this.refs.delete(entry);
      this.sweepAt = Math.max(64, this.refs.size * 2);
    }
  }

  delete(item: T): void {
    const ref = this.index.get(item);
    if (ref === undefined) return;
    this.refs.delete(ref);
    this.index.delete(item);
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (const ref of this.refs) {
      const item = ref.deref();
      if (item === undefined) this.refs.delete(ref);
      else yield item;
    }
  }
}

export const liveEngines = new LiveSet<EngineStatsSource>();
export const liveExecutors = new LiveSet<ExecutorStatsSource>();
export const liveClusters = new LiveSet<ClusterStatsSource>();
export const liveProviders = new LiveSet<RegistrationStatsSource>();

export const executorCounters = new Map<string, ExecutorCounters>();
export const clusterCounters = new Map<string, ClusterCounters>();

export function executorCountersFor(name: string): ExecutorCounters {
  let counters = executorCounters.get(name);
  if (counters === undefined) executorCounters.set(name, (counters = { rejected: 0 }));
  return counters;
}

export function clusterCountersFor(name: string): ClusterCounters {
  let counters = clusterCounters.get(name);
  if (counters === undefined) clusterCounters.set(name, (counters = { probesSent: 0, probesFailed: 0, failovers: 0, retryBudgetRefusals: 0, ejections: 0 }));
  return counters;
}
