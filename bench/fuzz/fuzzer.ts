/**
 * A coverage-guided mutation fuzzer built on fast-check: fast-check generates mutation plans
 * (mutations.ts) and drives the runs; V8 block coverage (coverage.ts) decides which mutated inputs
 * join the corpus. Every input is checked by its target (targets.ts); a broken promise is recorded
 * as a finding, minimized, and the run goes on.
 *
 * Why not Jazzer.js: its libFuzzer addon (`@jazzer.js/fuzzer` 4.0.0, the only version that ships its
 * binaries inside the npm package) needs glibc 2.38, newer than this machine's; older versions
 * download their binary at install time. docs/soak-and-fuzz.md.
 */
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { CoverageFeedback } from './coverage.js';
import { applyPlan, MAX_INPUT_LENGTH } from './mutations.js';
import { planArbitrary } from './mutations.js';
import { FuzzViolation, type FuzzTarget } from './targets.js';

export interface FuzzOptions {
  /** Mutated inputs to run (the seeds come on top). */
  inputs: number;
  seed: number;
  /** Use coverage feedback (otherwise the corpus stays the seeds: plain mutation fuzzing). */
  coverage: boolean;
  /** Inputs run between two coverage reads. */
  batchSize: number;
  /** Corpus entries at most. */
  maxCorpus: number;
  /** An input that takes longer than this twice in a row is a finding (a hang), ms. */
  hangMs: number;
  /** Distinct findings kept. */
  maxFindings: number;
}

export const DEFAULT_FUZZ_OPTIONS: FuzzOptions = { inputs: 100_000, seed: 0xf022, coverage: true, batchSize: 1000, maxCorpus: 4096, hangMs: 1000, maxFindings: 20 };

export interface Finding {
  target: string;
  kind: string;
  message: string;
  /** The minimized input. */
  inputHex: string;
}

export interface FuzzStats {
  target: string;
  inputs: number;
  seeds: number;
  /** Outcomes by kind: `ok`, the typed error's code/reason, or `violation:<kind>`. */
  outcomes: Record<string, number>;
  corpus: number;
  /** Coverage features (block ranges) reached in the watched code. */
  features: number;
  findings: Finding[];
  /** Slowest single input, ms. */
  maxInputMs: number;
  largestInput: number;
  durationMs: number;
}

/** Compiled src/protocol and src/rpc files: the decoders under test. */
const watched = (url: string): boolean => /\/src\/(protocol|rpc)\//.test(url);

function runOnce(target: FuzzTarget, input: Buffer): { outcome: string; violation: FuzzViolation | null; ms: number } {
  const start = performance.now();
  try {
    const outcome = target.run(input);
    return { outcome, violation: null, ms: performance.now() - start };
  } catch (error) {
    const violation = error instanceof FuzzViolation ? error : new FuzzViolation('harness', `the target itself failed: ${String(error)}`, { cause: error });
    return { outcome: `violation:${violation.kind}`, violation, ms: performance.now() - start };
  }
}

/** Shortens `input` while it still breaks the same promise (delta debugging: drop halves, then smaller pieces). */
export function minimize(target: FuzzTarget, input: Buffer, kind: string, hangMs: number, budget = 2000): Buffer {
  const stillFails = (candidate: Buffer): boolean => {
    const run = runOnce(target, candidate);
    return kind === 'slow' ? run.ms > hangMs : run.violation?.kind === kind;
  };
  let best = input;
  let tries = 0;
  for (let piece = Math.max(1, best.length >> 1); piece >= 1 && tries < budget; piece = piece >> 1) {
    for (let at = 0; at < best.length && tries < budget; ) {
      const candidate = Buffer.concat([best.subarray(0, at), best.subarray(at + piece)]);
      tries++;
      if (candidate.length > 0 && stillFails(candidate)) best = candidate;
      else at += piece;
    }
  }
  return best;
}

/** Splits `batch` to find the inputs that hit the `fresh` features; each such input joins the corpus. */
function attribute(target: FuzzTarget, coverage: CoverageFeedback, batch: Buffer[], fresh: Set<string>, corpus: Buffer[], maxCorpus: number): void {
  if (fresh.size === 0 || batch.length === 0 || corpus.length >= maxCorpus) return;
  coverage.takeHits();
  if (batch.length === 1) {
    runOnce(target, batch[0]!);
    corpus.push(batch[0]!);
    return;
  }
  const half = batch.length >> 1;
  const left = batch.slice(0, half);
  for (const input of left) runOnce(target, input);
  const hits = coverage.takeHits();
  const inLeft = new Set([...fresh].filter((key) => hits.has(key)));
  const inRight = new Set([...fresh].filter((key) => !hits.has(key)));
  attribute(target, coverage, left, inLeft, corpus, maxCorpus);
  attribute(target, coverage, batch.slice(half), inRight, corpus, maxCorpus);
}

/** The coverage reader for the fuzzer's watched code (start it once per process, see CoverageFeedback.reset). */
export function fuzzCoverage(): CoverageFeedback {
  return new CoverageFeedback(watched);
}

/**
 * Fuzzes one target. `shared`: a started coverage reader used across targets (reset here);
 * without it, and with `options.coverage`, the run starts and stops its own.
 */
export function runFuzz(target: FuzzTarget, partial: Partial<FuzzOptions> = {}, shared?: CoverageFeedback): FuzzStats {
  const options = { ...DEFAULT_FUZZ_OPTIONS, ...partial };
  const corpus: Buffer[] = [...target.seeds];
  const outcomes: Record<string, number> = {};
  const findings = new Map<string, Finding>();
  const coverage = !options.coverage ? null : (shared ?? fuzzCoverage());
  let maxInputMs = 0;
  let largestInput = 0;
  const began = performance.now();

  const check = (input: Buffer): void => {
    let run = runOnce(target, input);
    if (run.ms > options.hangMs) {
      // Once may be the machine (GC, a shared core); twice is the input.
      const again = runOnce(target, input);
      if (again.ms > options.hangMs && run.violation === null) run = { ...again, violation: new FuzzViolation('slow', `took ${again.ms.toFixed(0)} ms`) };
      else run = { ...run, ms: again.ms };
    }
    if (run.ms > maxInputMs) maxInputMs = run.ms;
    if (input.length > largestInput) largestInput = input.length;
    outcomes[run.outcome] = (outcomes[run.outcome] ?? 0) + 1;
    if (run.violation !== null) {
      const key = `${run.violation.kind}|${run.violation.message.replace(/\d+/g, 'N').slice(0, 120)}`;
      if (!findings.has(key) && findings.size < options.maxFindings) {
        const small = minimize(target, input, run.violation.kind, options.hangMs);
        findings.set(key, { target: target.name, kind: run.violation.kind, message: run.violation.message, inputHex: small.toString('hex') });
      }
    }
  };

  if (shared === undefined) coverage?.start();
  else coverage?.reset();
  try {
    for (const seed of target.seeds) check(seed);
    coverage?.takeFresh();
    let batch: Buffer[] = [];
    fc.assert(
      fc.property(planArbitrary, (plan) => {
        const input = applyPlan(corpus[plan.pick % corpus.length]!, plan, corpus, target.frameOffset, target.textOffset);
        check(input);
        if (coverage !== null) {
          batch.push(input);
          if (batch.length >= options.batchSize) {
            const fresh = coverage.takeFresh();
            if (fresh.length > 0) attribute(target, coverage, batch, new Set(fresh), corpus, options.maxCorpus);
            batch = [];
          }
        }
        // Findings are collected, not thrown: one run explores on after the first.
        return true;
      }),
      { numRuns: options.inputs, seed: options.seed },
    );
  } finally {
    if (shared === undefined) coverage?.stop();
  }
  return {
    target: target.name,
    inputs: options.inputs,
    seeds: target.seeds.length,
    outcomes,
    corpus: corpus.length,
    features: coverage?.features ?? 0,
    findings: [...findings.values()],
    maxInputMs,
    largestInput: Math.min(largestInput, MAX_INPUT_LENGTH),
    durationMs: performance.now() - began,
  };
}
