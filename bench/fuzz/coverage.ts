/**
 * Coverage feedback for the fuzzer, from V8's own block coverage through the in-process inspector
 * (`Profiler.startPreciseCoverage` with call counts and block detail): the same counters
 * `NODE_V8_COVERAGE` uses, read without a child process. Each take returns the code ranges of
 * the watched scripts that ran since the previous take and resets the counters.
 *
 * A "feature" is a (script, start, end) block range seen with a non-zero count; an input that makes
 * a new feature appear is kept in the corpus (the libFuzzer idea, at block granularity).
 */
import { Session } from 'node:inspector';

interface CoverageRange {
  startOffset: number;
  endOffset: number;
  count: number;
}

interface ScriptCoverage {
  scriptId: string;
  url: string;
  functions: Array<{ ranges: CoverageRange[] }>;
}

export class CoverageFeedback {
  private readonly session = new Session();
  private readonly seen = new Set<string>();
  private running = false;

  /** `watch`: which script URLs count (e.g. the compiled src/protocol and src/rpc files). */
  constructor(private readonly watch: (url: string) => boolean) {}

  /** Features seen so far. */
  get features(): number {
    return this.seen.size;
  }

  /**
   * Forgets the features seen (a new target) but keeps the profiler running: V8 reports far fewer
   * block ranges after precise coverage is stopped and started again in the same process, so one
   * session serves every target of a run.
   */
  reset(): void {
    this.takeHits();
    this.seen.clear();
  }

  start(): void {
    this.session.connect();
    this.post('Profiler.enable');
    this.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    this.running = true;
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.post('Profiler.stopPreciseCoverage');
    this.post('Profiler.disable');
    this.session.disconnect();
  }

  /** The features that appeared since the last take (now remembered as seen); empty when not started. */
  takeFresh(): string[] {
    const fresh: string[] = [];
    for (const key of this.takeHits()) {
      if (!this.seen.has(key)) {
        this.seen.add(key);
        fresh.push(key);
      }
    }
    return fresh;
  }

  /** Every watched feature hit since the last take, seen before or not. */
  takeHits(): Set<string> {
    const hits = new Set<string>();
    if (!this.running) return hits;
    const { result } = this.post('Profiler.takePreciseCoverage') as { result: ScriptCoverage[] };
    for (const script of result) {
      if (!this.watch(script.url)) continue;
      for (const fn of script.functions) {
        for (const range of fn.ranges) {
          if (range.count > 0) hits.add(`${script.url}:${range.startOffset}:${range.endOffset}`);
        }
      }
    }
    return hits;
  }

  /** The in-process session answers synchronously: the callback has run when `post` returns. */
  private post(method: string, params?: object): unknown {
    let answer: unknown;
    let failure: Error | null = null;
    this.session.post(method, params, (error, result) => {
      failure = error;
      answer = result;
    });
    if (failure !== null) throw failure;
    return answer;
  }
}
