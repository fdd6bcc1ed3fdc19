/**
 * Reads a Prometheus text exposition (what a scrape returns) into samples, so tests assert exact
 * values of named series.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[3] ?? '').matchAll(LABEL)) labels[key!] = value!.replace(/\\(.)/g, '$1');
    samples.push({ name: match[1]!, labels, value: Number(match[4]) });
  }
  return samples;
}

export async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`scrape of ${url}: HTTP ${response.status}`);
  return parseExposition(await response.text());
}

/** Samples of `name` whose labels include every one of `labels`. */
export function matching(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
}

/** The value of the one series of `name` with exactly these labels besides those in `ignore` (0 when absent). */
export function valueOf(samples: Sample[], name: string, labels: Record<string, string>, ignore: readonly string[] = []): number {
  const found = samples.filter((sample) => {
    if (sample.name !== name) return false;
    const keys = Object.keys(sample.labels).filter((key) => !ignore.includes(key));
    return keys.length === Object.keys(labels).length && keys.every((key) => sample.labels[key] === labels[key]);
  });
  if (found.length > 1) throw new Error(`${found.length} series of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

/** Scrapes until `done` holds for the samples (or `timeoutMs` passes, then throws with the last scrape). */
export async function scrapeUntil(url: string, done: (samples: Sample[]) => boolean, timeoutMs = 5000): Promise<Sample[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const samples = await scrape(url);
    if (done(samples)) return samples;
    if (Date.now() > deadline) throw new Error(`metrics did not reach the expected state within ${timeoutMs} ms`);
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
  }
}
