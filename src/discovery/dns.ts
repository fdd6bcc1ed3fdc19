import { promises as dnsPromises, type RecordWithTtl } from 'node:dns';
import { RemotingError } from '../errors.js';
import { DiscoveryError, type DiscoveryErrorReason } from './errors.js';
import { createInstance, isIpAddress, type Instance } from './instance.js';
import { SourceBase } from './source.js';
import { clamp, jittered, OwnedTimer } from './timing.js';

export type DnsRecordType = 'A' | 'AAAA' | 'A+AAAA' | 'SRV';

export interface DnsSourceOptions {
  /** The name to resolve: a host name (A/AAAA) or an SRV name such as `_rpc._tcp.orders.prod.svc.cluster.local`. */
  readonly hostname: string;
  /** Default: SRV when the name starts with `_`, otherwise A. */
  readonly type?: DnsRecordType;
  /** Provider port for A/AAAA answers (SRV answers carry their own). */
  readonly port?: number;
  /** DNS servers (`ip`, `ip:port`, `[ipv6]:port`); default the system's. */
  readonly servers?: readonly string[];
  /** Re-resolve no sooner than this after an answer, whatever its TTL (default 1 000 ms). */
  readonly minRefreshMs?: number;
  /** Re-resolve at least this often (default 60 000 ms); also the period for SRV answers' own TTL, which Node does not expose. */
  readonly maxRefreshMs?: number;
  /** Retry after a failed resolution (default 5 000 ms). */
  readonly errorRefreshMs?: number;
  /** Per query attempt (default 2 000 ms). */
  readonly timeoutMs?: number;
  /** Attempts per query before giving up (default 2). */
  readonly tries?: number;
  /** Fraction to jitter refreshes by (default 0.1). */
  readonly jitter?: number;
  /** Let an answer with no records replace a non-empty set (default false). */
  readonly acceptEmpty?: boolean;
  readonly random?: () => number;
  readonly name?: string;
}

/** What a refresh learned: the instances and the smallest TTL among the records used (seconds). */
interface Resolution {
  readonly instances: Instance[];
  readonly ttlSeconds: number | undefined;
}

/**
 * DNS discovery — a Kubernetes headless service, or any name with one record per provider.
 *
 * Resolves A/AAAA (plus a configured port) or SRV records (targets resolved to addresses) through a
 * `dns.promises.Resolver` of its own, so the configured servers are used: `dns.lookup` goes through
 * getaddrinfo and ignores them. Re-resolves when the answer's TTL runs out, kept between a floor and
 * a ceiling; on any failure the last good set stays and the error is reported.
 */
export class DnsSource extends SourceBase {
  readonly #hostname: string;
  readonly #type: DnsRecordType;
  readonly #port: number | undefined;
  readonly #resolver: dnsPromises.Resolver;
  readonly #minRefreshMs: number;
  readonly #maxRefreshMs: number;
  readonly #errorRefreshMs: number;
  readonly #jitter: number;
  readonly #acceptEmpty: boolean;
  readonly #random: () => number;
  readonly #timer = new OwnedTimer(() => void this.refresh());
  #refreshing: Promise<void> | undefined;

  constructor(options: DnsSourceOptions) {
    const type = options.type ?? (options.hostname.startsWith('_') ? 'SRV' : 'A');
    super(options.name ?? `dns:${type === 'SRV' ? 'srv:' : ''}${options.hostname}`);
    if (options.hostname === '') throw new RemotingError('INVALID_ARGUMENT', 'hostname is required');
    this.#hostname = options.hostname;
    this.#type = type;
    if (type !== 'SRV') {
      if (options.port === undefined) throw new RemotingError('INVALID_ARGUMENT', `a port is required for ${type} records`);
      createInstance('127.0.0.1', options.port);
    }
    this.#port = options.port;
    this.#resolver = new dnsPromises.Resolver({ timeout: options.timeoutMs ?? 2_000, tries: options.tries ?? 2 });
    if (options.servers !== undefined && options.servers.length > 0) this.#resolver.setServers([...options.servers]);
    this.#minRefreshMs = options.minRefreshMs ?? 1_000;
    this.#maxRefreshMs = Math.max(this.#minRefreshMs, options.maxRefreshMs ?? 60_000);
    this.#errorRefreshMs = options.errorRefreshMs ?? 5_000;
    this.#jitter = options.jitter ?? 0.1;
    this.#acceptEmpty = options.acceptEmpty ?? false;
    this.#random = options.random ?? Math.random;
  }

  /** Resolves now (joining a resolution already running). */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.#refreshing ??= this.#resolveOnce().then((delayMs) => {
      this.#refreshing = undefined;
      if (!this.closed) this.#timer.schedule(delayMs);
    });
    return this.#refreshing;
  }

  protected async startSource(): Promise<void> {
    await this.refresh();
  }

  protected async closeSource(): Promise<void> {
    this.#timer.cancel();
    this.#resolver.cancel();
    await this.#refreshing;
    this.#timer.cancel();
  }

  /** Resolves, publishes or reports; returns the delay until the next resolution. */
  async #resolveOnce(): Promise<number> {
    let resolution: Resolution;
    try {
      resolution = this.#type === 'SRV' ? await this.#resolveSrv() : await this.#resolveAddresses(this.#hostname, this.#type, this.#port as number);
    } catch (error) {
      if (!this.closed) this.reportError(this.#asDiscoveryError(error));
      return this.#errorRefreshMs;
    }
    if (this.closed) return 0;
    if (resolution.instances.length === 0 && this.knownCount > 0 && !this.#acceptEmpty) {
      this.reportError(new DiscoveryError('EMPTY', this.name, `no records; keeping the ${this.knownCount} known`, { kept: this.knownCount }));
      return this.#errorRefreshMs;
    }
    this.publish(resolution.instances);
    return refreshDelay(resolution.ttlSeconds, this.#minRefreshMs, this.#maxRefreshMs, this.#jitter, this.#random);
  }

  async #resolveAddresses(hostname: string, type: 'A' | 'AAAA' | 'A+AAAA', port: number, extras: Omit<Parameters<typeof createInstance>[2], 'id'> = {}): Promise<Resolution> {
    const queries: Promise<RecordWithTtl[]>[] = [];
    if (type !== 'AAAA') queries.push(this.#resolver.resolve4(hostname, { ttl: true }));
    if (type !== 'A') queries.push(this.#resolver.resolve6(hostname, { ttl: true }));
    const settled = await Promise.allSettled(queries);
    const records: RecordWithTtl[] = [];
    let failure: unknown;
    for (const result of settled) {
      if (result.status === 'fulfilled') records.push(...result.value);
      // For A+AAAA, a name with only one family is fine; anything else failing fails the round.
      else if (!(type === 'A+AAAA' && isNoData(result.reason))) failure ??= result.reason;
    }
    if (failure !== undefined) throw failure;
    if (records.length === 0 && settled.every((result) => result.status === 'rejected')) throw (settled[0] as PromiseRejectedResult).reason;
    return {
      instances: records.map((record) => createInstance(record.address, port, extras)),
      ttlSeconds: minTtl(records.map((record) => record.ttl)),
    };
  }

  async #resolveSrv(): Promise<Resolution> {
    const records = await this.#resolver.resolveSrv(this.#hostname);
    const byAddr = new Map<string, Instance>();
    const ttls: number[] = [];
    // Targets are resolved in parallel; any target failing fails the round (the last good set
    // stays), so a half-answered resolution never shrinks the cluster.
    const resolved = await Promise.all(
      records.map(async (record) => {
        const extras = {
          weight: record.weight > 0 ? record.weight : undefined,
          metadata: { target: record.name, priority: String(record.priority), srvWeight: String(record.weight) },
        };
        if (isIpAddress(record.name)) return { instances: [createInstance(record.name, record.port, extras)], ttlSeconds: undefined };
        try {
          return await this.#resolveAddresses(record.name, 'A', record.port, extras);
        } catch (error) {
          if (!isNoData(error)) throw error;
          return await this.#resolveAddresses(record.name, 'AAAA', record.port, extras);
        }
      }),
    );
    for (const resolution of resolved) {
      for (const instance of resolution.instances) if (!byAddr.has(instance.addr)) byAddr.set(instance.addr, instance);
      if (resolution.ttlSeconds !== undefined) ttls.push(resolution.ttlSeconds);
    }
    return { instances: [...byAddr.values()], ttlSeconds: minTtl(ttls) };
  }

  #asDiscoveryError(error: unknown): DiscoveryError {
    if (error instanceof DiscoveryError) return error;
    const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
    const reason: DiscoveryErrorReason =
      code === 'ENOTFOUND' || code === 'ENODATA' ? 'NOT_FOUND' : code === 'ETIMEOUT' ? 'TIMEOUT' : code === 'EBADRESP' || code === 'EFORMERR' ? 'MALFORMED' : 'UNREACHABLE';
    return new DiscoveryError(reason, this.name, `${this.#type} ${this.#hostname}: ${code}`, { cause: error, kept: this.knownCount });
  }
}

/** When to resolve again: the TTL, jittered, never sooner than the floor nor later than the ceiling. */
export function refreshDelay(ttlSeconds: number | undefined, minMs: number, maxMs: number, jitter = 0, random: () => number = Math.random): number {
  const base = ttlSeconds === undefined ? maxMs : ttlSeconds * 1000;
  return clamp(jittered(base, jitter, random), minMs, maxMs);
}

function minTtl(ttls: readonly number[]): number | undefined {
  return ttls.length === 0 ? undefined : Math.min(...ttls);
}

function isNoData(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENODATA' || code === 'ENOTFOUND';
}
