import { allWeightsEqual, weightOf, withoutExcluded, type Balanceable, type Balancer, type PickRequest, type RandomSource } from './balancer.js';

export interface RoundRobinOptions {
  /** Picks the starting position, so a fleet of consumers does not all start on the same instance. */
  readonly random?: RandomSource;
}

/**
 * Each instance in turn. With unequal weights, smooth weighted round robin (nginx's, also Dubbo's):
 * every pick adds each weight to a running score, takes the highest and subtracts the total, which
 * interleaves a 3:1 split as a a b a rather than a a a b.
 */
export class RoundRobinBalancer implements Balancer {
  readonly name = 'round-robin';
  #next: number;
  #scores = new Map<string, number>();

  constructor(options: RoundRobinOptions = {}) {
    this.#next = Math.floor((options.random ?? Math.random)() * 0x40000000);
  }

  pick<T extends Balanceable>(instances: readonly T[], request: PickRequest = {}): T | undefined {
    const candidates = withoutExcluded(instances, request.exclude);
    if (candidates.length === 0) return undefined;
    if (allWeightsEqual(candidates)) {
      const index = this.#next % candidates.length;
      this.#next = (this.#next + 1) % 0x40000000;
      return candidates[index];
    }
    return this.#weighted(candidates);
  }

  #weighted<T extends Balanceable>(candidates: readonly T[]): T | undefined {
    let total = 0;
    let best: T | undefined;
    let bestScore = -Infinity;
    const scores = new Map<string, number>();
    for (const candidate of candidates) {
      const weight = weightOf(candidate);
      const score = (this.#scores.get(candidate.id) ?? 0) + weight;
      scores.set(candidate.id, score);
      total += weight;
      if (score > bestScore) {
        bestScore = score;
        best = candidate;
      }
    }
    if (best !== undefined) scores.set(best.id, bestScore - total);
    // Scores of instances that left are dropped with the old map.
    this.#scores = scores;
    return best;
  }
}
