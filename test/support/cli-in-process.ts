import { PassThrough, Writable } from 'node:stream';
import { runCli } from '../../src/cli/run.js';

/** What an in-process CLI run printed, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with captured output; `stdin` is what it reads (default: nothing). */
export async function runCliIn(argv: readonly string[], stdin = ''): Promise<CliRun> {
  let out = '';
  let err = '';
  // Written to synchronously: everything printed is here when runCli settles.
  const sink = (append: (text: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const input = new PassThrough();
  input.end(stdin);
  const code = await runCli([...argv], { stdout: sink((text) => (out += text)), stderr: sink((text) => (err += text)), stdin: input });
  return { code, stdout: out, stderr: err };
}

/** {@link runCliIn} without input, output named `out` / `err`. */
export async function runCliCaptured(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runCliIn(argv);
  return { code, out: stdout, err: stderr };
}
