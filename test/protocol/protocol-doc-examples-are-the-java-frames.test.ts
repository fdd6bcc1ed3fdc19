import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/repo-root.js';
import { loadVectors, type Vector } from '../support/java-vectors.js';

/*
 * docs/protocol.md § 11 cuts Java frames into annotated fields. Each code block there must spell
 * out, byte for byte, a frame (or the header of a frame) of a vector its heading names, so the
 * document cannot drift from test/fixtures/java-vectors.json.
 *
 * How a block is read: per line, the leading tokens that are data — even-length lower-case hex, or
 * a "quoted string" standing for its UTF-8 bytes — up to the first token that is neither or the
 * first run of two spaces (the annotation follows). A line that starts with `{` is header text,
 * taken whole as UTF-8.
 */

interface Example {
  heading: string;
  vectorNames: string[];
  blocks: Buffer[];
}

function blockBytes(block: string): Buffer {
  const parts: Buffer[] = [];
  for (const rawLine of block.split('\n')) {
    const line = rawLine.trim();
    if (line.startsWith('{')) {
      parts.push(Buffer.from(line, 'utf8'));
      continue;
    }
    const token = /^(?:([0-9a-f]+)|"([^"]*)")(?: |$)/;
    const annotation = line.indexOf('  ');
    let rest = annotation < 0 ? line : line.slice(0, annotation);
    for (let match = token.exec(rest); match !== null; match = token.exec(rest)) {
      const [whole, hex, text] = match;
      if (hex !== undefined) {
        if (hex.length % 2 !== 0) break;
        parts.push(Buffer.from(hex, 'hex'));
      } else {
        parts.push(Buffer.from(text ?? '', 'utf8'));
      }
      rest = rest.slice(whole.length);
    }
  }
  return Buffer.concat(parts);
}

function workedExamples(): Example[] {
  const doc = readFileSync(path.join(repoRoot, 'docs', 'protocol.md'), 'utf8');
  const start = doc.indexOf('\n## 11. Worked examples');
  assert.ok(start >= 0, 'docs/protocol.md has its worked examples section');
  const section = doc.slice(start);
  return section
    .split('\n### ')
    .slice(1)
    .map((part) => {
      const heading = part.slice(0, part.indexOf('\n'));
      const vectorNames = [...heading.matchAll(/`([a-z0-9-]+)`/g)].map((match) => match[1] as string);
      const blocks = [...part.matchAll(/\n```[a-z]*\n([\s\S]*?)\n```/g)].map((match) => blockBytes(match[1] as string));
      return { heading, vectorNames, blocks };
    });
}

function headerOf(frame: Buffer): Buffer {
  const headerLength = frame.readUInt32BE(4) & 0xffffff;
  return frame.subarray(8, 8 + headerLength);
}

test('every annotated frame in docs/protocol.md is, byte for byte, a frame or header the Java implementation wrote', () => {
  const vectors = new Map<string, Vector>(loadVectors().map((vector) => [vector.name, vector]));
  const examples = workedExamples();
  assert.ok(examples.length >= 3, `at least three worked examples (found ${examples.length})`);
  for (const example of examples) {
    assert.ok(example.vectorNames.length > 0, `"${example.heading}" names its vectors`);
    assert.ok(example.blocks.length > 0, `"${example.heading}" shows bytes`);
    const frames = example.vectorNames.map((name) => {
      const vector = vectors.get(name);
      assert.ok(vector !== undefined, `"${example.heading}" names ${name}, which is in java-vectors.json`);
      return Buffer.from(vector.frameHex, 'hex');
    });
    for (const [index, bytes] of example.blocks.entries()) {
      const matches = frames.some((frame) => bytes.equals(frame) || bytes.equals(headerOf(frame)));
      assert.ok(matches, `"${example.heading}", block ${index + 1}: ${bytes.toString('hex')} is none of ${example.vectorNames.join(', ')}`);
    }
  }
});
