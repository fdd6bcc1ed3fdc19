import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiConsumer } from '../../src/index.js';
import { Ops } from '../fixtures/serve-module.js';
import { CliProcess, serveFixture } from '../support/serve-cli.js';

const started: CliProcess[] = [];
const consumers: ApiConsumer[] = [];
after(async () => {
  await Promise.all(consumers.map((consumer) => consumer.close()));
  await Promise.all(started.map((cli) => cli.kill()));
});

test('serve --workers 2: connections spread over both workers, SIGTERM drains both and exits 0', async () => {
  const server = new CliProcess(['serve', serveFixture, '--host', '127.0.0.1', '--port', '0', '--workers', '2']);
  started.push(server);
  const addr = await server.serving();
  assert.match(server.stdout[0]!, /serving com\.acme\.Ops on 127\.0\.0\.1:\d+ \(2 workers\)$/);
  // Each consumer has its own connection; the primary hands connections to workers round-robin.
  for (let i = 0; i < 6; i++) consumers.push(new ApiConsumer({ target: addr, timeoutMs: 20_000 }));
  const pids = await Promise.all(consumers.map((consumer) => consumer.proxy(Ops).pid()));
  const workers = new Set(pids);
  assert.equal(workers.size, 2, `pids: ${pids.join(' ')}`);
  assert.ok(!workers.has(server.child.pid!), 'the primary serves no calls itself');

  // One slow call on each worker, then SIGTERM: both must finish, and both workers close.
  const byWorker = new Map(pids.map((pid, i) => [pid, consumers[i]!]));
  const calls = [...byWorker].map(([pid, consumer]) => consumer.proxy(Ops).slow(`w${pid}`, 700));
  for (const pid of workers) await server.line(new RegExp(`^slow started w${pid} ${pid}$`));
  server.signal('SIGTERM');
  assert.deepEqual((await Promise.all(calls)).sort(), [...workers].map((pid) => `slow done w${pid}`).sort());
  assert.deepEqual(await server.exited, { code: 0, signal: null });
  for (const pid of workers) assert.ok(server.stdout.includes(`module closed ${pid}`), server.stdout.join('\n'));
});

test('serve --workers replaces a worker that dies while serving', async () => {
  const server = new CliProcess(['serve', serveFixture, '--host', '127.0.0.1', '--port', '0', '--workers', '2']);
  started.push(server);
  const addr = await server.serving();
  const ask = async (): Promise<number> => {
    const consumer = new ApiConsumer({ target: addr, timeoutMs: 5_000 });
    try {
      return await consumer.proxy(Ops).pid();
    } finally {
      await consumer.close();
    }
  };
  const victim = await ask();
  process.kill(victim, 'SIGKILL');
  await server.line(new RegExp(`worker \\d \\(pid ${victim}\\) exited \\(SIGKILL\\); replacing it`));
  // New connections go to the surviving worker until the replacement listens; then to both.
  const seen = new Set<number>();
  const deadline = performance.now() + 20_000;
  while (seen.size < 2 && performance.now() < deadline) seen.add(await ask());
  assert.equal(seen.size, 2, `pids seen: ${[...seen].join(' ')}`);
  assert.ok(!seen.has(victim));
  server.signal('SIGTERM');
  assert.equal((await server.exited).code, 0);
});

test('serve --workers fails with the worker’s reason when the module cannot be served', async () => {
  const server = new CliProcess(['serve', '/nonexistent/module.js', '--host', '127.0.0.1', '--port', '0', '--workers', '2']);
  started.push(server);
  assert.equal((await server.exited).code, 1);
  assert.match(server.stderr.join('\n'), /\[SERVE\] worker \d: \[SERVE\] cannot import \/nonexistent\/module\.js/);
});
