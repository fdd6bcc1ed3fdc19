import type { Attributes, BatchObservableCallback, Counter, Histogram, Meter, Observable } from '@opentelemetry/api';
import { clusterCounters, executorCounters, ioCounters, liveClusters, liveEngines, liveExecutors, liveProviders, type EngineSide } from '../stats.js';

/** The bucket boundaries the RPC semantic conventions recommend for call durations (seconds). */
export const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * Every instrument rocket-rpc reports. Per-call instruments are recorded when a call ends; the
 * engine, executor, discovery and registration ones are observed at collection time from the
 * engine's own counters and live objects (nothing is recorded between collections).
 */
export class RpcMetrics {
  readonly clientDuration: Histogram;
  readonly serverDuration: Histogram;
  readonly clientOneway: Counter;
  readonly serverOneway: Counter;
  private readonly observables: Observable[];
  private readonly callback: BatchObservableCallback;

  constructor(private readonly meter: Meter) {
    const advice = { explicitBucketBoundaries: DURATION_BUCKETS_S };
    this.clientDuration = meter.createHistogram('rpc.client.call.duration', { unit: 's', description: 'Duration of outgoing calls (oneway calls excluded), until the response or the error.', advice });
    this.serverDuration = meter.createHistogram('rpc.server.call.duration', { unit: 's', description: 'Duration of incoming calls (oneway calls excluded), from the request being decoded to the response being written.', advice });
    this.clientOneway = meter.createCounter('rocket_rpc.client.oneway_calls', { unit: '{call}', description: 'Oneway calls sent (counted when written, or when they failed).' });
    this.serverOneway = meter.createCounter('rocket_rpc.server.oneway_calls', { unit: '{call}', description: 'Oneway calls received and processed.' });

    const connections = meter.createObservableUpDownCounter('rocket_rpc.connection.open', { unit: '{connection}', description: 'Open connections.' });
    const pending = meter.createObservableUpDownCounter('rocket_rpc.client.pending_calls', { unit: '{call}', description: 'Calls sent and waiting for their response.' });
    const inFlight = meter.createObservableUpDownCounter('rocket_rpc.server.requests_in_flight', { unit: '{request}', description: 'Requests being processed.' });
    const permits = meter.createObservableUpDownCounter('rocket_rpc.permits.in_use', { unit: '{permit}', description: 'Async and oneway permits held by calls in flight.' });
    const bytes = meter.createObservableCounter('rocket_rpc.io.bytes', { unit: 'By', description: 'Bytes received and sent on remoting connections.' });
    const frames = meter.createObservableCounter('rocket_rpc.io.frames', { unit: '{frame}', description: 'Frames received and sent.' });
    const framesRefused = meter.createObservableCounter('rocket_rpc.frames.refused', { unit: '{frame}', description: 'Frames refused (the connection is closed), by reason.' });
    const connectionsRefused = meter.createObservableCounter('rocket_rpc.connections.refused', { unit: '{connection}', description: 'Connections refused or cut before being served, by reason.' });
    const executorActive = meter.createObservableUpDownCounter('rocket_rpc.executor.active', { unit: '{task}', description: 'Tasks running on an executor.' });
    const executorQueued = meter.createObservableUpDownCounter('rocket_rpc.executor.queued', { unit: '{task}', description: 'Tasks waiting for an executor.' });
    const executorRejected = meter.createObservableCounter('rocket_rpc.executor.rejected', { unit: '{task}', description: 'Tasks an executor refused (queue full: SYSTEM_BUSY [OVERLOAD]).' });
    const instances = meter.createObservableUpDownCounter('rocket_rpc.cluster.instances', { unit: '{instance}', description: 'Providers discovery lists, by health as this consumer sees it.' });
    const ejected = meter.createObservableUpDownCounter('rocket_rpc.cluster.ejected', { unit: '{instance}', description: 'Providers ejected by outlier detection right now.' });
    const ejections = meter.createObservableCounter('rocket_rpc.cluster.ejections', { unit: '{ejection}', description: 'Ejections by outlier detection.' });
    const probes = meter.createObservableCounter('rocket_rpc.cluster.probes', { unit: '{probe}', description: 'Health probes sent, by result.' });
    const failovers = meter.createObservableCounter('rocket_rpc.cluster.failovers', { unit: '{attempt}', description: 'Calls resent to another provider.' });
    const budgetRefusals = meter.createObservableCounter('rocket_rpc.cluster.retry_budget.refusals', { unit: '{attempt}', description: 'Retries the retry budget refused.' });
    const registrations = meter.createObservableUpDownCounter('rocket_rpc.registrations', { unit: '{registration}', description: 'Registry entries of providers, by state.' });
    this.observables = [connections, pending, inFlight, permits, bytes, frames, framesRefused, connectionsRefused, executorActive, executorQueued, executorRejected, instances, ejected, ejections, probes, failovers, budgetRefusals, registrations];

    this.callback = (result) => {
      const sums = new Sums();
      for (const engine of liveEngines) {
        const stats = engine.stats();
        const side = { 'rocket_rpc.side': stats.side };
        sums.add(connections, side, stats.connections);
        sums.add(permits, { ...side, 'rocket_rpc.permit.kind': 'async' }, stats.asyncPermitsInUse);
        sums.add(permits, { ...side, 'rocket_rpc.permit.kind': 'oneway' }, stats.onewayPermitsInUse);
        if (stats.side === 'client') sums.add(pending, side, stats.pendingCalls);
        else sums.add(inFlight, side, stats.requestsInFlight);
      }
      for (const side of ['client', 'server'] as EngineSide[]) {
        const io = ioCounters[side];
        const base = { 'rocket_rpc.side': side };
        sums.add(bytes, { ...base, 'network.io.direction': 'receive' }, io.bytesIn);
        sums.add(bytes, { ...base, 'network.io.direction': 'transmit' }, io.bytesOut);
        sums.add(frames, { ...base, 'network.io.direction': 'receive' }, io.framesIn);
        sums.add(frames, { ...base, 'network.io.direction': 'transmit' }, io.framesOut);
        for (const [reason, count] of io.framesRefused) sums.add(framesRefused, { ...base, 'rocket_rpc.reason': reason }, count);
        for (const [reason, count] of io.connectionsRefused) sums.add(connectionsRefused, { ...base, 'rocket_rpc.reason': reason }, count);
      }
      for (const executor of liveExecutors) {
        const name = { 'rocket_rpc.executor.name': executor.name };
        sums.add(executorActive, name, executor.active);
        sums.add(executorQueued, name, executor.queued);
      }
      for (const [name, counters] of executorCounters) sums.add(executorRejected, { 'rocket_rpc.executor.name': name }, counters.rejected);
      for (const cluster of liveClusters) {
        const stats = cluster.stats();
        const name = { 'rocket_rpc.cluster.name': stats.name };
        sums.add(instances, { ...name, 'rocket_rpc.health.state': 'healthy' }, stats.healthy);
        sums.add(instances, { ...name, 'rocket_rpc.health.state': 'unhealthy' }, stats.unhealthy);
        sums.add(instances, { ...name, 'rocket_rpc.health.state': 'unknown' }, stats.unknown);
        sums.add(ejected, name, stats.ejected);
      }
      for (const [clusterName, counters] of clusterCounters) {
        const name = { 'rocket_rpc.cluster.name': clusterName };
        sums.add(probes, { ...name, 'rocket_rpc.probe.result': 'healthy' }, counters.probesSent - counters.probesFailed);
        sums.add(probes, { ...name, 'rocket_rpc.probe.result': 'failed' }, counters.probesFailed);
        sums.add(failovers, name, counters.failovers);
        sums.add(budgetRefusals, name, counters.retryBudgetRefusals);
        sums.add(ejections, name, counters.ejections);
      }
      for (const provider of liveProviders) {
        for (const { registered } of provider.registrationStates()) {
          sums.add(registrations, { 'rocket_rpc.registration.state': registered ? 'registered' : 'unregistered' }, 1);
        }
      }
      sums.observe(result);
    };
    meter.addBatchObservableCallback(this.callback, this.observables);
  }

  /** Stops the observable instruments from reporting (the meter itself belongs to the caller). */
  close(): void {
    this.meter.removeBatchObservableCallback(this.callback, this.observables);
  }
}

/**
 * Adds up observations with the same attributes first: several engines (or executors sharing a
 * name) report one series, where observing each would keep only the last.
 */
class Sums {
  private readonly values = new Map<Observable, Map<string, { attributes: Attributes; value: number }>>();

  add(observable: Observable, attributes: Attributes, value: number): void {
    let series = this.values.get(observable);
    if (series === undefined) this.values.set(observable, (series = new Map()));
    const key = JSON.stringify(attributes);
    const entry = series.get(key);
    if (entry === undefined) series.set(key, { attributes, value });
    else entry.value += value;
  }

  observe(result: Parameters<BatchObservableCallback>[0]): void {
    for (const [observable, series] of this.values) {
      for (const { attributes, value } of series.values()) result.observe(observable, value, attributes);
    }
  }
}
