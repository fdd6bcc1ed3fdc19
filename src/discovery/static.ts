import { createInstance, instanceFromAddress, type Instance } from './instance.js';
import { SourceBase } from './source.js';

export type StaticEntry = string | Instance | { readonly host: string; readonly port: number; readonly weight?: number; readonly metadata?: Readonly<Record<string, string>> };

/**
 * A fixed list of providers (`'10.0.0.1:20880'`, `{ host, port, weight }`), changed only by
 * `update()`: for small deployments, tests, and platforms that push lists rather than serve them.
 */
export class StaticSource extends SourceBase {
  #pending: readonly Instance[];

  constructor(entries: readonly StaticEntry[], options: { name?: string } = {}) {
    super(options.name ?? 'static');
    this.#pending = entries.map(toInstance);
  }

  /** Replaces the list (publishes at once when started). */
  update(entries: readonly StaticEntry[]): void {
    this.#pending = entries.map(toInstance);
    if (this.current().version > 0) this.publish(this.#pending);
  }

  protected async startSource(): Promise<void> {
    this.publish(this.#pending);
  }

  protected async closeSource(): Promise<void> {}
}

function toInstance(entry: StaticEntry): Instance {
  if (typeof entry === 'string') return instanceFromAddress(entry);
  if ('addr' in entry && 'id' in entry) return entry;
  return createInstance(entry.host, entry.port, { weight: entry.weight, metadata: entry.metadata });
}
