/**
 * `rocket-rpc serve --workers N`: 1 vs 2 worker processes on one port, driven by `rocket-rpc bench`
 * running in its own process (64 calls in flight over 8 connections, so the primary's round-robin
 * gives each worker connections). Two calls:
 *
 *   echo      echo(String): the engine and RPC path only; per call the load generator spends about as
 *             much CPU as the provider, so on a 2-core machine it competes with the workers;
 *   work      work(int) spending ~--work-rounds of integer work per call: the provider dominates,
 *             which is where more workers should pay off.
 *
 * Each case runs 1 and 2 workers in interleaved rounds (median reported). Nothing is pinned: the
 * point is what the whole machine does. Absolute numbers on a shared machine are noise; read ratios.
 *
 * Run: npm run bench -- serve-workers [--quick]
 *  or: npx tsc -p tsconfig.test.json && node .build/bench/serve-workers.js [--duration=S] [--rounds=N] [--work-rounds=N]
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from '../src/cli/bench.js';
import { median } from './common/measure.js';
import { printJsonLine, printTable, type ReportRow } from './common/report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const cliMain = path.join(here, '..', 'src', 'cli', 'main.js');
const module = path.join(here, 'common', 'serve-workers-module.js');

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const found = args.find((arg) => arg.startsWith(`--${name}=`));
  return found === undefined ? fallback : Number(found.slice(name.length + 3));
};
const quick = args.includes('--quick');
const durationSec = option('duration', quick ? 2 : 4);
const rounds = option('rounds', quick ? 1 : 2);
const workRounds = option('work-rounds', 20_000);

interface Served {
  addr: string;
  stop(): Promise<number | null>;
}

async function serve(workers: number): Promise<Served> {
  const child = spawn(process.execPath, [cliMain, 'serve', module, '--host', '127.0.0.1', '--port', '0', '--workers', String(workers)], { stdio: ['ignore', 'pipe', 'pipe'] });
  // serve's stop messages are expected; shown only when it fails.
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then((code) => code !== 0 && process.stderr.write(stderr));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  const addr = /serving .* on (\S+) \(/.exec(String(first.value))?.[1];
  if (addr === undefined) throw new Error(`serve did not start: ${String(first.value)}`);
  return {
    addr,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function load(addr: string, methodName: string, methodArgs: string): Promise<BenchResult> {
  const child = spawn(
    process.execPath,
    [cliMain, 'bench', addr, '--service', 'com.acme.bench.BenchService', '--method', methodName, '--args', methodArgs, '--concurrency', '64', '--connections', '8', '--warmup', '1', '--duration', String(durationSec), '--json'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`rocket-rpc bench exited ${code}: ${out}`);
  return JSON.parse(out) as BenchResult;
}

const cases = [
  { name: 'echo', method: 'echo', args: '["x"]' },
  { name: `work(${workRounds})`, method: 'work', args: `[${workRounds}]` },
];
const results = new Map<string, BenchResult[]>();
for (let round = 0; round < rounds; round++) {
  for (const c of cases) {
    for (const workers of [1, 2]) {
      const served = await serve(workers);
      let result: BenchResult;
      try {
        result = await load(served.addr, c.method, c.args);
      } finally {
        const code = await served.stop();
        if (code !== 0) console.error(`serve --workers ${workers} exited ${code}`);
      }
      if (result.errors > 0) throw new Error(`${c.name} with ${workers} worker(s): ${result.errors} errors ${JSON.stringify(result.errorsByCode)}`);
      const key = `${c.name}/${workers}`;
      results.set(key, [...(results.get(key) ?? []), result]);
    }
  }
}

const rows: ReportRow[] = [];
const summary: Record<string, unknown> = {};
for (const c of cases) {
  const base = median(results.get(`${c.name}/1`)!.map((r) => r.callsPerSec));
  for (const workers of [1, 2]) {
    const runs = results.get(`${c.name}/${workers}`)!;
    const callsPerSec = median(runs.map((r) => r.callsPerSec));
    const p50 = median(runs.map((r) => r.latencyMs.p50));
    const p99 = median(runs.map((r) => r.latencyMs.p99));
    rows.push({ name: `${c.name}, ${workers} worker${workers > 1 ? 's' : ''}`, 'calls/s': callsPerSec, 'p50 ms': p50, 'p99 ms': p99, 'vs 1 worker': callsPerSec / base });
    summary[`${c.name}/${workers}`] = { callsPerSec, p50, p99 };
  }
}
printTable(`serve --workers: 1 vs 2 (load generator in its own process, ${os.cpus().length} cores shared by all; ${durationSec} s × ${rounds} round(s), 64 in flight over 8 connections)`, rows);
printJsonLine('serve-workers', { durationSec, rounds, workRounds, results: summary });
