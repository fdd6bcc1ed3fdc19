import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutlierDetector } from '../../src/health/outlier-detection.js';
import { RemotingError } from '../../src/errors.js';

function nextChange(detector: OutlierDetector): Promise<{ id: string; ejected: boolean; durationMs: number }> {
  return new Promise((resolve) => {
    const off = detector.onChange((id, ejected, durationMs) => {
      off();
      resolve({ id, ejected, durationMs });
    });
  });
}

test('consecutive failures eject; a success in between resets the count', () => {
  const detector = new OutlierDetector({ consecutiveFailures: 3, baseEjectionMs: 60_000 });
  detector.retain(new Set(['a', 'b', 'c', 'd']));
  detector.failure('a');
  detector.failure('a');
  detector.success('a');
  assert.equal(detector.failure('a'), false);
  assert.equal(detector.failure('a'), false);
  assert.equal(detector.isEjected('a'), false);
  assert.equal(detector.failure('a'), true);
  assert.equal(detector.isEjected('a'), true);
  assert.equal(detector.ejectedCount, 1);
  detector.close();
});

test('an ejected instance is readmitted when its time is up, and each new ejection lasts longer, up to the cap', async () => {
  const detector = new OutlierDetector({ consecutiveFailures: 1, baseEjectionMs: 20, maxEjectionMs: 50 });
  detector.retain(new Set(['a', 'b']));
  const durations: number[] = [];
  for (let round = 0; round < 3; round++) {
    const ejected = nextChange(detector);
    detector.failure('a');
    durations.push((await ejected).durationMs);
    const readmitted = await nextChange(detector);
    assert.deepEqual([readmitted.id, readmitted.ejected], ['a', false]);
    assert.equal(detector.isEjected('a'), false);
  }
  assert.deepEqual(durations, [20, 40, 50]);
  detector.close();
});

test('never more than the allowed share is ejected, so the cluster is never emptied', () => {
  const detector = new OutlierDetector({ consecutiveFailures: 1, baseEjectionMs: 60_000, maxEjectedPercent: 50 });
  detector.retain(new Set(['a', 'b', 'c', 'd', 'e']));
  const ejected = ['a', 'b', 'c', 'd', 'e'].filter((id) => detector.failure(id));
  assert.deepEqual(ejected, ['a', 'b'], 'floor(5 × 50%) = 2');
  assert.equal(detector.isEjected('c'), false);
  // One instance alone is never ejected at 50%.
  const single = new OutlierDetector({ consecutiveFailures: 1 });
  single.retain(new Set(['only']));
  for (let i = 0; i < 10; i++) single.failure('only');
  assert.equal(single.isEjected('only'), false);
  detector.close();
  single.close();
});

test('instances that leave discovery are forgotten, freeing their share of ejections', () => {
  const detector = new OutlierDetector({ consecutiveFailures: 1, baseEjectionMs: 60_000 });
  detector.retain(new Set(['a', 'b', 'c', 'd']));
  assert.ok(detector.failure('a') && detector.failure('b'));
  assert.equal(detector.failure('c'), false);
  detector.retain(new Set(['b', 'c', 'd', 'e']));
  assert.equal(detector.ejectedCount, 1);
  assert.equal(detector.failure('c'), true);
  detector.close();
});

test('bad options are INVALID_ARGUMENT errors', () => {
  assert.throws(() => new OutlierDetector({ consecutiveFailures: 0 }), RemotingError);
  assert.throws(() => new OutlierDetector({ maxEjectedPercent: 120 }), RemotingError);
});
