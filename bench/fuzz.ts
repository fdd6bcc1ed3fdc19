/**
 * Fuzz: 1 000 000 mutated inputs (split evenly over the targets) through the frame decoder
 * (`decodeCommand`, both header readers), the streaming `FrameDecoder`, and the RPC argument decoder,
 * coverage-guided (bench/fuzz/fuzzer.ts). Every input must give a valid result or a typed error,
 * in time and within the size its input allows. Findings are minimized, written to
 * test/fixtures/fuzz/<target>-<hash>.hex (replayed by the regression test) and make the run exit 1.
 * Method and results: docs/soak-and-fuzz.md.
 *
 * Run: npm run bench -- fuzz [--inputs=N] [--seed=N] [--targets=frame,stream,args] [--no-coverage]
 *  or: npx tsc -p tsconfig.test.json && node .build/bench/fuzz.js [--inputs=N]
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printJsonLine, printTable, type ReportRow } from './common/report.js';
import { settledHeapUsed } from './soak/process-state.js';
import { DEFAULT_FUZZ_OPTIONS, fuzzCoverage, runFuzz, type FuzzStats } from './fuzz/fuzzer.js';
import { allTargets } from './fuzz/targets.js';

// .build/bench/fuzz.js → the repository root.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const option = (name: string): string | undefined => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const inputs = Number((option('inputs') ?? '1000000').replace(/_/g, ''));
const seed = Number(option('seed') ?? DEFAULT_FUZZ_OPTIONS.seed);
if (!Number.isInteger(inputs) || inputs <= 0 || !Number.isInteger(seed)) throw new Error('--inputs and --seed must be integers');
const names = option('targets')?.split(',');
const targets = allTargets(path.join(root, 'test', 'fixtures', 'java-vectors.json')).filter((target) => names === undefined || names.includes(target.name));
if (targets.length === 0) throw new Error(`no target among ${names?.join(',')}; targets: frame, stream, args`);

const heapBefore = await settledHeapUsed();
const results: FuzzStats[] = [];
const useCoverage = !argv.includes('--no-coverage');
const coverage = useCoverage ? fuzzCoverage() : undefined;
coverage?.start();
for (const target of targets) {
  const share = Math.ceil(inputs / targets.length);
  console.error(`  ${target.name}: ${share.toLocaleString('en-US')} inputs…`);
  results.push(runFuzz(target, { inputs: share, seed, coverage: useCoverage }, coverage));
}
coverage?.stop();
const heapAfter = await settledHeapUsed();

const rows: ReportRow[] = results.map((stats) => {
  const total = Object.values(stats.outcomes).reduce((a, b) => a + b, 0);
  const ok = stats.outcomes['ok'] ?? 0;
  const typed = Object.entries(stats.outcomes).filter(([outcome]) => outcome !== 'ok' && !outcome.startsWith('violation:')).reduce((sum, [, n]) => sum + n, 0);
  return {
    name: stats.target,
    inputs: total,
    'valid result': ok,
    'typed error': typed,
    violations: total - ok - typed,
    'corpus (seeds)': `${stats.corpus} (${stats.seeds})`,
    'coverage features': stats.features,
    'slowest (ms)': stats.maxInputMs,
    'inputs/s': total / (stats.durationMs / 1000),
  };
});
printTable(`Fuzz: ${results.reduce((sum, s) => sum + s.inputs, 0).toLocaleString('en-US')} mutated inputs (+ seeds), seed ${seed}`, rows);
for (const stats of results) {
  const outcomes = Object.entries(stats.outcomes).sort((a, b) => b[1] - a[1]);
  console.log(`${stats.target}: ${outcomes.map(([outcome, n]) => `${outcome} ${n}`).join(', ')}`);
}
console.log(`heap after GC: ${(heapBefore / 1048576).toFixed(2)} → ${(heapAfter / 1048576).toFixed(2)} MiB (the corpora are still held)`);

const findings = results.flatMap((stats) => stats.findings);
for (const finding of findings) {
  const file = path.join(root, 'test', 'fixtures', 'fuzz', `${finding.target}-${createHash('sha256').update(finding.inputHex).digest('hex').slice(0, 12)}.hex`);
  writeFileSync(file, finding.inputHex + '\n');
  console.error(`FINDING ${finding.target} ${finding.kind}: ${finding.message}\n  input (minimized): ${finding.inputHex}\n  saved to ${path.relative(root, file)}`);
}
printJsonLine('fuzz', { seed, results: results.map((stats) => ({ ...stats, findings: stats.findings.length })), findings, heapBefore, heapAfter, passed: findings.length === 0 });
if (findings.length > 0) process.exitCode = 1;
