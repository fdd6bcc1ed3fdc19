/**
 * The bounded version of `npm run bench -- fuzz` (bench/fuzz/): coverage-guided, fast-check-driven
 * mutation of the Java golden frames and of valid argsJsonJson values, through `decodeCommand`
 * (both header readers), the streaming `FrameDecoder` (checked against frame-by-frame decoding)
 * and the provider's argument decoder. Every input gives a valid result or a typed error (a
 * `ProtocolError`, or an `InvalidArgumentError` with code INVALID_ARGUMENT), quickly, no larger than
 * its input. Then every input kept in test/fixtures/fuzz/ (earlier findings) is replayed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fuzzCoverage, runFuzz } from '../../bench/fuzz/fuzzer.js';
import { allTargets, FuzzViolation, type FuzzTarget } from '../../bench/fuzz/targets.js';
import { repoRoot } from '../support/repo-root.js';
import { vectorsFile } from '../support/java-vectors.js';

const targets = allTargets(vectorsFile);
const findingsDir = path.join(repoRoot, 'test', 'fixtures', 'fuzz');
// One coverage session for the file: restarting V8's precise coverage loses most block ranges.
const coverage = fuzzCoverage();
before(() => coverage.start());
after(() => coverage.stop());

for (const target of targets) {
  test(`${target.name}: 3 000 coverage-guided mutated inputs give a valid result or a typed error, nothing else`, () => {
    const stats = runFuzz(target, { inputs: 3000, seed: 0x7e57, batchSize: 250 }, coverage);
    assert.deepEqual(stats.findings, [], `findings (minimized inputs as hex): ${JSON.stringify(stats.findings, null, 2)}`);
    const total = Object.values(stats.outcomes).reduce((a, b) => a + b, 0);
    assert.equal(total, 3000 + target.seeds.length);
    // The run reached both sides: inputs that decode and inputs refused with a typed error.
    assert.ok((stats.outcomes['ok'] ?? 0) >= target.seeds.length, JSON.stringify(stats.outcomes));
    assert.ok(Object.keys(stats.outcomes).filter((outcome) => outcome !== 'ok' && outcome !== 'short').length >= 1, JSON.stringify(stats.outcomes));
    // Coverage feedback worked: new blocks were reached and the inputs reaching them were kept.
    assert.ok(stats.features > 0, 'coverage features were read');
    assert.ok(stats.corpus > target.seeds.length, `corpus grew from ${target.seeds.length} seeds to ${stats.corpus}`);
  });
}

test('every input the fuzzer found (test/fixtures/fuzz/*.hex) now gives a valid result or a typed error', () => {
  const byName = new Map<string, FuzzTarget>(targets.map((target) => [target.name, target]));
  const files = readdirSync(findingsDir).filter((file) => file.endsWith('.hex'));
  assert.ok(files.length > 0, 'the findings are kept as regression inputs');
  for (const file of files) {
    const target = byName.get(file.slice(0, file.indexOf('-')));
    assert.ok(target !== undefined, `${file}: the name starts with a target (frame, stream, args)`);
    const input = Buffer.from(readFileSync(path.join(findingsDir, file), 'utf8').trim(), 'hex');
    try {
      target.run(input);
    } catch (error) {
      assert.ok(!(error instanceof FuzzViolation), `${file}: ${(error as Error).message}`);
      throw error;
    }
  }
});
