import { weightOf, withoutExcluded, type Balanceable, type Balancer, type PickRequest, type RandomSource } from './balancer.js';

export interface LeastInFlightOptions {
  readonly random?: RandomSource;
}

/**
 * Power of two choices (Mitzenmacher): two distinct instances at random, the one with fewer requests
 * in flight per unit of weight wins. Nearly as good as scanning for the least loaded, at O(1), and
 * it does not stampede every consumer onto the same idle instance as a full scan would.
 * Without `request.load` every instance counts as idle and this is a random pick.
 */
export class LeastInFlightBalancer implements Balancer {
  readonly name = 'least-in-flight';
  readonly #random: RandomSource;

  constructor(options: LeastInFlightOptions = {}) {
    this.#random = options.random ?? Math.random;
  }

  pick<T extends Balanceable>(instances: readonly T[], request: PickRequest = {}): T | undefined {
    const candidates = withoutExcluded(instances, request.exclude);
    const n = candidates.length;
    if (n <= 1) return candidates[0];
    const first = Math.floor(this.#random() * n);
    // The second is drawn from the other n − 1, so the two are always distinct.
    let second = Math.floor(this.#random() * (n - 1));
    if (second >= first) second++;
    const a = candidates[first] as T;
    const b = candidates[second] as T;
    const load = request.load;
    if (load === undefined) return a;
    return load.inFlight(b.id) / weightOf(b) < load.inFlight(a.id) / weightOf(a) ? b : a;
  }
}
