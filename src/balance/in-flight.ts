import type { LoadView } from './balancer.js';

/**
 * Counts outstanding requests per instance id: the cluster calls `begin` when a request is sent and
 * `end` exactly once when it settles. It is the `LoadView` least-in-flight and bounded-load hashing
 * read, with the total kept incrementally so a pick never sums over the fleet.
 */
export class InFlightCounter implements LoadView {
  readonly #counts = new Map<string, number>();
  #total = 0;

  begin(id: string): void {
    this.#counts.set(id, (this.#counts.get(id) ?? 0) + 1);
    this.#total++;
  }

  end(id: string): void {
    const count = this.#counts.get(id);
    if (count === undefined) return;
    if (count <= 1) this.#counts.delete(id);
    else this.#counts.set(id, count - 1);
    this.#total--;
  }

  inFlight(id: string): number {
    return this.#counts.get(id) ?? 0;
  }

  total(): number {
    return this.#total;
  }
}
