import { RemotingError } from '../errors.js';
import { DiscoveryError } from './errors.js';
import { createInstance, type Instance } from './instance.js';
import { ONLINE_STATE, parsePlatformPage, PlatformFormatError, type PlatformPage } from './platform-list.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';
import { SourceBase } from './source.js';
import { jittered, OwnedTimer } from './timing.js';

export interface HttpListSourceOptions {
  /** The platform's instance-list endpoint for one application; `start` and `num` are added per page. */
  readonly url: string | URL;
  /** The providers' remoting port: the platform lists IPs only. */
  readonly port: number;
  /** Between polls (default 10 000 ms), moved by ±`jitter`. */
  readonly intervalMs?: number;
  /** Fraction of the interval to jitter by (default 0.2: ±20%). */
  readonly jitter?: number;
  /** Per page request, body included (default 3 000 ms). */
  readonly timeoutMs?: number;
  /** `num` per page (default 100). */
  readonly pageSize?: number;
  /** Refuse listings claiming more instances than this (default 100 000). */
  readonly maxInstances?: number;
  /** Refuse a page body larger than this (default 8 MiB). */
  readonly maxPageBytes?: number;
  /** Keep the last good list here; read at start so a restart during an outage still has providers. */
  readonly snapshotFile?: string;
  /** Let an empty list replace a non-empty one (default false: an empty answer is an error). */
  readonly acceptEmpty?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  readonly random?: () => number;
  readonly name?: string;
}

/**
 * Registry-free discovery from the deployment platform: polls the application's instance list,
 * keeps the instances in state `working_online`, on the configured port.
 *
 * Any failure — endpoint down, timeout, non-2xx, junk, pages that disagree, or an empty list where
 * instances were known — keeps the last good list and reports a DiscoveryError: a platform outage
 * must never empty the cluster. With `snapshotFile` that last good list also survives restarts.
 */
export class HttpListSource extends SourceBase {
  readonly #url: URL;
  readonly #port: number;
  readonly #intervalMs: number;
  readonly #jitter: number;
  readonly #timeoutMs: number;
  readonly #pageSize: number;
  readonly #maxInstances: number;
  readonly #maxPageBytes: number;
  readonly #snapshotFile: string | undefined;
  readonly #acceptEmpty: boolean;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #random: () => number;
  readonly #timer = new OwnedTimer(() => void this.refresh());
  #refreshing: Promise<void> | undefined;
  #activeRequest: AbortController | undefined;
  #snapshotWrites: Promise<void> = Promise.resolve();

  constructor(options: HttpListSourceOptions) {
    const url = new URL(options.url);
    super(options.name ?? `http:${url.origin}${url.pathname}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RemotingError('INVALID_ARGUMENT', `instance list URL must be http(s), got ${url.protocol}`);
    this.#url = url;
    this.#port = options.port;
    createInstance('127.0.0.1', options.port); // validates the port now rather than at the first poll
    this.#intervalMs = positive(options.intervalMs ?? 10_000, 'intervalMs');
    this.#jitter = options.jitter ?? 0.2;
    this.#timeoutMs = positive(options.timeoutMs ?? 3_000, 'timeoutMs');
    this.#pageSize = positive(options.pageSize ?? 100, 'pageSize');
    this.#maxInstances = positive(options.maxInstances ?? 100_000, 'maxInstances');
    this.#maxPageBytes = positive(options.maxPageBytes ?? 8 * 1024 * 1024, 'maxPageBytes');
    this.#snapshotFile = options.snapshotFile;
    this.#acceptEmpty = options.acceptEmpty ?? false;
    this.#headers = { accept: 'application/json', ...options.headers };
    this.#random = options.random ?? Math.random;
  }

  /** Polls now (joining a poll already running); resolves when it has published or reported. */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.#refreshing ??= this.#poll().finally(() => {
      this.#refreshing = undefined;
      if (!this.closed) this.#timer.schedule(jittered(this.#intervalMs, this.#jitter, this.#random));
    });
    return this.#refreshing;
  }

  protected async startSource(): Promise<void> {
    if (this.#snapshotFile !== undefined) await this.#restoreSnapshot(this.#snapshotFile);
    await this.refresh();
  }

  protected async closeSource(): Promise<void> {
    this.#timer.cancel();
    this.#activeRequest?.abort();
    await this.#refreshing;
    this.#timer.cancel();
    await this.#snapshotWrites;
  }

  async #restoreSnapshot(file: string): Promise<void> {
    try {
      const instances = await readSnapshot(file);
      if (instances !== undefined && instances.length > 0) this.publish(instances, 'snapshot');
    } catch (error) {
      this.reportError(new DiscoveryError('SNAPSHOT', this.name, `cannot read snapshot ${file}: ${(error as Error).message}`, { cause: error }));
    }
  }

  async #poll(): Promise<void> {
    let instances: Instance[];
    try {
      instances = await this.#fetchAll();
    } catch (error) {
      if (!this.closed) this.reportError(this.#asDiscoveryError(error));
      return;
    }
    if (this.closed) return;
    if (instances.length === 0 && this.knownCount > 0 && !this.#acceptEmpty) {
      this.reportError(new DiscoveryError('EMPTY', this.name, `the platform listed no online instance; keeping the ${this.knownCount} known`, { kept: this.knownCount }));
      return;
    }
    if (this.publish(instances) && this.#snapshotFile !== undefined) this.#saveSnapshot(this.#snapshotFile);
  }

  async #fetchAll(): Promise<Instance[]> {
    const first = await this.#fetchPage(0);
    const total = first.total;
    if (total > this.#maxInstances) throw new DiscoveryError('MALFORMED', this.name, `listing claims ${total} instances (limit ${this.#maxInstances})`);
    const pages: PlatformPage[] = [first];
    let seen = first.entries.length;
    while (seen < total) {
      if (pages[pages.length - 1]?.entries.length === 0) {
        throw new DiscoveryError('INCONSISTENT', this.name, `page at start=${seen} came back empty but total is ${total}`);
      }
      const page = await this.#fetchPage(seen);
      if (page.total !== total) throw new DiscoveryError('INCONSISTENT', this.name, `total changed from ${total} to ${page.total} while paging`);
      if (page.start !== seen) throw new DiscoveryError('INCONSISTENT', this.name, `asked for start=${seen}, got start=${page.start}`);
      pages.push(page);
      seen += page.entries.length;
    }
    const byIp = new Map<string, Instance>();
    for (const page of pages) {
      for (const entry of page.entries) {
        if (entry.state === ONLINE_STATE && !byIp.has(entry.ip)) byIp.set(entry.ip, createInstance(entry.ip, this.#port));
      }
    }
    return [...byIp.values()];
  }

  async #fetchPage(start: number): Promise<PlatformPage> {
    const url = new URL(this.#url);
    url.searchParams.set('start', String(start));
    url.searchParams.set('num', String(this.#pageSize));
    const controller = new AbortController();
    this.#activeRequest = controller;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeoutMs);
    try {
      const response = await fetch(url, { signal: controller.signal, headers: this.#headers });
      if (!response.ok) {
        await response.body?.cancel();
        throw new DiscoveryError('HTTP_STATUS', this.name, `GET start=${start} answered ${response.status} ${response.statusText}`, { status: response.status, kept: this.knownCount });
      }
      const text = await this.#readBody(response);
      try {
        return parsePlatformPage(text, start);
      } catch (error) {
        if (error instanceof PlatformFormatError) throw new DiscoveryError('MALFORMED', this.name, error.message, { kept: this.knownCount });
        throw error;
      }
    } catch (error) {
      if (timedOut) throw new DiscoveryError('TIMEOUT', this.name, `no answer within ${this.#timeoutMs} ms (start=${start})`, { cause: error, kept: this.knownCount });
      throw error;
    } finally {
      clearTimeout(timer);
      if (this.#activeRequest === controller) this.#activeRequest = undefined;
    }
  }

  async #readBody(response: Response): Promise<string> {
    const body = response.body;
    if (body === null) return '';
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.#maxPageBytes) {
        await reader.cancel();
        throw new DiscoveryError('MALFORMED', this.name, `page larger than ${this.#maxPageBytes} bytes`, { kept: this.knownCount });
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  #saveSnapshot(file: string): void {
    const instances = this.current().instances;
    this.#snapshotWrites = this.#snapshotWrites
      .then(() => writeSnapshot(file, this.name, instances))
      .catch((error: unknown) => {
        this.reportError(new DiscoveryError('SNAPSHOT', this.name, `cannot write snapshot ${file}: ${(error as Error).message}`, { cause: error, kept: this.knownCount }));
      });
  }

  #asDiscoveryError(error: unknown): DiscoveryError {
    if (error instanceof DiscoveryError) return error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (error as Error).message;
    return new DiscoveryError('UNREACHABLE', this.name, `cannot fetch the instance list: ${detail}`, { cause: error, kept: this.knownCount });
  }
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RemotingError('INVALID_ARGUMENT', `${name} must be a positive number, got ${value}`);
  return value;
}
