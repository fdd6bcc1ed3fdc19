import { mkdir, readFile, rename, rm, writeFile, open } from 'node:fs/promises';
import path from 'node:path';
import { createInstance, type Instance } from './instance.js';

/**
 * The last good instance list on disk, so a process restarted during a platform outage still knows
 * its providers. Written atomically (a temporary file in the same directory, fsynced, then renamed
 * over the old one), so a crash mid-write leaves the previous snapshot, never half of one.
 */
export interface SnapshotFile {
  readonly format: 'rocket-rpc/instances@1';
  readonly source: string;
  readonly savedAt: string;
  readonly instances: readonly SnapshotInstance[];
}

interface SnapshotInstance {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly weight?: number;
  readonly metadata?: Readonly<Record<string, string>>;
}

export async function writeSnapshot(file: string, source: string, instances: readonly Instance[]): Promise<void> {
  const snapshot: SnapshotFile = {
    format: 'rocket-rpc/instances@1',
    source,
    savedAt: new Date().toISOString(),
    instances: instances.map(({ id, host, port, weight, metadata }) => ({ id, host, port, weight, metadata })),
  };
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(snapshot, null, 1) + '\n', { mode: 0o644 });
    const handle = await open(temporary, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The instances of a snapshot; undefined when there is no file. Throws when it is unreadable. */
export async function readSnapshot(file: string): Promise<Instance[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<SnapshotFile> | null;
  if (parsed === null || typeof parsed !== 'object' || parsed.format !== 'rocket-rpc/instances@1' || !Array.isArray(parsed.instances)) {
    throw new Error(`${file} is not a rocket-rpc instance snapshot`);
  }
  return parsed.instances.map((entry: SnapshotInstance) =>
    createInstance(entry.host, entry.port, { id: entry.id, weight: entry.weight, metadata: entry.metadata }),
  );
}
