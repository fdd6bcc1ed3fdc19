import { RemotingError } from '../errors.js';
import type { Balancer } from './balancer.js';
import { ConsistentHashBalancer } from './consistent-hash-balancer.js';
import { LeastInFlightBalancer } from './least-in-flight.js';
import { RandomBalancer } from './random.js';
import { RoundRobinBalancer } from './round-robin.js';

/** Makes a fresh balancer (balancers keep per-cluster state, so each cluster gets its own). */
export type BalancerFactory = () => Balancer;

const factories = new Map<string, BalancerFactory>([
  ['consistent-hash', () => new ConsistentHashBalancer()],
  ['round-robin', () => new RoundRobinBalancer()],
  ['random', () => new RandomBalancer()],
  ['least-in-flight', () => new LeastInFlightBalancer()],
]);

/** Makes `name` usable wherever a balancer is named (configuration, the CLI). */
export function registerBalancer(name: string, factory: BalancerFactory): void {
  factories.set(name, factory);
}

export function balancerNames(): string[] {
  return [...factories.keys()];
}

export function createBalancer(name: string): Balancer {
  const factory = factories.get(name);
  if (factory === undefined) {
    throw new RemotingError('INVALID_ARGUMENT', `unknown balancer '${name}' (known: ${balancerNames().join(', ')})`);
  }
  return factory();
}
