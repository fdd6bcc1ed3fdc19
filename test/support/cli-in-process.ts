import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/run.js';

/** Runs the CLI in this process with captured output. */
export async function runCliCaptured(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli(argv, { stdout, stderr, stdin: new PassThrough() });
  return { code, out, err };
}
