import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './repo-root.js';

/** Frames written by Java RocketMQ 4.9.7 + fastjson 1.2.69; how they were made: test/fixtures/java-vectors.md. */
export const vectorsFile: string = path.join(repoRoot, 'test', 'fixtures', 'java-vectors.json');

export interface VectorCommand {
  code: number;
  language: string;
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  extFields: Record<string, string> | null;
  bodyHex: string | null;
  bodyText: string | null;
}

export interface Vector {
  name: string;
  note: string;
  serializeType: 'JSON' | 'ROCKETMQ';
  command: VectorCommand;
  frameHex: string;
}

let cached: Vector[] | undefined;

export function loadVectors(): Vector[] {
  cached ??= JSON.parse(readFileSync(vectorsFile, 'utf8')) as Vector[];
  return cached;
}

export function vector(name: string): Vector {
  const found = loadVectors().find((v) => v.name === name);
  if (found === undefined) throw new Error(`no vector ${name}`);
  return found;
}
