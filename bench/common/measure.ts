/**
 * Throughput measurement shared by the benchmarks: every case is warmed up, then the cases run in
 * interleaved rounds (so a slow phase of the machine hits all of them alike) and each case reports
 * the median of its rounds.
 *
 * Time is the process's CPU time (`process.cpuUsage`), not the wall clock: on a shared machine the
 * wall clock also counts the time other processes held the CPU, which made rounds differ by 2x.
 * For single-threaded work on an idle machine both are the same. The wall-clock rate is reported
 * as well.
 */
export interface BenchCase {
  name: string;
  /** Runs the operation `iterations` times; returns any number so the work cannot be optimised away. */
  run(iterations: number): number;
}

export interface MeasureOptions {
  /** Warm-up time per case before measuring (default 1000 ms). */
  warmupMs?: number;
  /** Measured rounds per case (default 7). */
  rounds?: number;
  /** Length of one round (default 500 ms). */
  roundMs?: number;
}

export interface CaseResult {
  name: string;
  /** Median operations per CPU second over the rounds. */
  median: number;
  min: number;
  max: number;
  /** Operations per CPU second, one entry per round. */
  rounds: number[];
  /** Median operations per wall-clock second. */
  wallMedian: number;
}

let sink = 0;

/** Keeps results observable; print it at the end of a run if in doubt. */
export function benchSink(): number {
  return sink;
}

interface Rate {
  cpu: number;
  wall: number;
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** Runs `run` in batches until `ms` of CPU time have passed; returns operations per second. */
function timeFor(benchCase: BenchCase, ms: number, batch: number): Rate {
  let iterations = 0;
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  let elapsed: number;
  do {
    sink = (sink + benchCase.run(batch)) | 0;
    iterations += batch;
    elapsed = cpuMs(process.cpuUsage(cpuStart));
  } while (elapsed < ms);
  return { cpu: (iterations * 1000) / elapsed, wall: (iterations * 1000) / (performance.now() - wallStart) };
}

/** A batch size that takes about 5 ms, so the clocks are read rarely. */
function calibrate(benchCase: BenchCase): number {
  let batch = 1;
  for (;;) {
    const start = performance.now();
    sink = (sink + benchCase.run(batch)) | 0;
    const elapsed = performance.now() - start;
    if (elapsed >= 5 || batch >= 1 << 24) return Math.max(1, Math.round((batch * 5) / Math.max(elapsed, 0.001)));
    batch *= 2;
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function measureCases(cases: readonly BenchCase[], options: MeasureOptions = {}): CaseResult[] {
  const warmupMs = options.warmupMs ?? 1000;
  const rounds = options.rounds ?? 7;
  const roundMs = options.roundMs ?? 500;
  const batches = cases.map((benchCase) => {
    const batch = calibrate(benchCase);
    timeFor(benchCase, warmupMs, batch);
    return batch;
  });
  const samples: Rate[][] = cases.map(() => []);
  for (let round = 0; round < rounds; round++) {
    cases.forEach((benchCase, i) => samples[i]!.push(timeFor(benchCase, roundMs, batches[i]!)));
  }
  return cases.map((benchCase, i) => {
    const values = samples[i]!.map((rate) => rate.cpu);
    return {
      name: benchCase.name,
      median: median(values),
      min: Math.min(...values),
      max: Math.max(...values),
      rounds: values,
      wallMedian: median(samples[i]!.map((rate) => rate.wall)),
    };
  });
}

/** Reads `--quick` (short rounds, for smoke runs) from the command line. */
export function optionsFromArgv(argv: readonly string[] = process.argv.slice(2)): MeasureOptions {
  return argv.includes('--quick') ? { warmupMs: 200, rounds: 3, roundMs: 100 } : {};
}

/**
 * Median over rounds of `a`'s rate divided by `b`'s in the same round: the two ran back to back, so
 * this ratio is steadier than a ratio of medians when the machine's speed drifts.
 */
export function pairedRatio(a: CaseResult, b: CaseResult): number {
  return median(a.rounds.map((rate, i) => rate / b.rounds[i]!));
}
