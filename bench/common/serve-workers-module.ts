// The module bench/serve-workers.ts serves with `rocket-rpc serve`: a trivial method (the engine and
// RPC path dominate) and one that spends a fixed amount of CPU per call (the provider dominates).
import { defineContract, defineServeModule, J, method, serveService } from '../../src/index.js';

export const BenchService = defineContract('com.acme.bench.BenchService', {
  echo: method([J.String], J.String),
  work: method([J.int], J.long),
});

/** A few microseconds of integer work per 1 000 rounds, not optimizable away (the result is returned). */
function spin(rounds: number): bigint {
  let x = 0x9e3779b9;
  for (let i = 0; i < rounds; i++) x = Math.imul(x ^ (x >>> 15), 0x85ebca6b) + i;
  return BigInt(x >>> 0);
}

export default defineServeModule({
  services: [serveService(BenchService, { echo: (s) => s, work: (rounds) => spin(rounds ?? 0) })],
});
