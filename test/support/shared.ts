import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root, whether tests run from sources or from the compiled `.build/` tree. */
export const repoRoot: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!readDirHas(dir, 'package.json')) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  return dir;
})();

function readDirHas(dir: string, name: string): boolean {
  try {
    readFileSync(path.join(dir, name));
    return true;
  } catch {
    return false;
  }
}

/** `../shared` beside the checkout: the protocol spec and the Java vectors (never copied here). */
export const sharedDir: string = process.env.ROCKET_RPC_SHARED ?? path.resolve(repoRoot, '..', 'shared');

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

export function loadVectors(): Vector[] {
  return JSON.parse(readFileSync(path.join(sharedDir, 'protocol', 'vectors.json'), 'utf8')) as Vector[];
}

export function vector(name: string): Vector {
  const found = loadVectors().find((v) => v.name === name);
  if (found === undefined) throw new Error(`no vector ${name}`);
  return found;
}
