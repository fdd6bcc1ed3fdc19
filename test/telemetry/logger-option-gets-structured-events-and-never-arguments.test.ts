import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { ApiConsumer, ApiProvider, defineContract, J, method, RemotingClient, RemotingServer, type Logger, type LogFields } from '../../src/index.js';
import { deferred } from '../support/transport-harness.js';

interface Line {
  level: string;
  msg: string;
  fields: LogFields;
}

/**
 * The smallest pino-compatible logger: five levels, `child(bindings)`; every line lands in `lines`
 * with its bindings merged, and a test can wait for one.
 */
class MemoryLogger implements Logger {
  constructor(
    readonly lines: Line[] = [],
    private readonly bindings: LogFields = {},
    private readonly waiters: Array<{ match: (line: Line) => boolean; resolve: (line: Line) => void }> = [],
  ) {}

  trace = this.level('trace');
  debug = this.level('debug');
  info = this.level('info');
  warn = this.level('warn');
  error = this.level('error');

  child(bindings: LogFields): MemoryLogger {
    return new MemoryLogger(this.lines, { ...this.bindings, ...bindings }, this.waiters);
  }

  waitFor(match: (line: Line) => boolean): Promise<Line> {
    const found = this.lines.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  private level(level: string): Logger['info'] {
    return ((first: LogFields | string, message?: string) => {
      const line: Line = typeof first === 'string' ? { level, msg: first, fields: { ...this.bindings } } : { level, msg: message ?? '', fields: { ...this.bindings, ...first } };
      this.lines.push(line);
      for (const waiter of [...this.waiters]) {
        if (!waiter.match(line)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }) as Logger['info'];
  }
}

const event = (name: string) => (line: Line): boolean => line.fields.event === name;

const Vault = defineContract('com.acme.Vault', {
  open: method([J.String], J.String),
});
const SECRET = 'hunter2-do-not-log';

async function serverAndClient(t: TestContext, serverLog: Logger, clientLog: Logger, slowCallMs?: number): Promise<{ server: RemotingServer; client: RemotingClient; addr: string }> {
  const server = new RemotingServer({ host: '127.0.0.1', port: 0, logger: serverLog, slowCallMs });
  const { addr } = await server.start();
  const client = new RemotingClient({ logger: clientLog, slowCallMs });
  t.after(async () => {
    await client.close();
    await server.close({ graceMs: 0 });
  });
  return { server, client, addr };
}

test('connections are logged when they open and when they close, with the reason and the component as a child binding', { timeout: 10_000 }, async (t) => {
  const serverLog = new MemoryLogger();
  const clientLog = new MemoryLogger();
  const { client, addr } = await serverAndClient(t, serverLog, clientLog);
  await client.getChannel(addr);
  const opened = await serverLog.waitFor(event('connection.open'));
  assert.equal(opened.level, 'debug');
  assert.equal(opened.fields.component, 'remoting-server');
  assert.equal(opened.fields.local, addr);
  client.closeChannel(addr);
  const closedHere = await clientLog.waitFor(event('connection.close'));
  assert.deepEqual([closedHere.fields.component, closedHere.fields.remote, closedHere.fields.reason], ['remoting-client', addr, 'closed locally']);
  const closedThere = await serverLog.waitFor(event('connection.close'));
  assert.equal(closedThere.fields.reason, 'peer closed');
});

test('a refused frame is a warning naming the reason', { timeout: 10_000 }, async (t) => {
  const serverLog = new MemoryLogger();
  const { addr } = await serverAndClient(t, serverLog, new MemoryLogger());
  const socket = net.connect(Number(addr.split(':')[1]), '127.0.0.1');
  t.after(() => socket.destroy());
  // A frame whose length field is negative.
  socket.write(Buffer.from([0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0]));
  const refused = await serverLog.waitFor(event('frame.refused'));
  assert.equal(refused.level, 'warn');
  assert.equal(refused.fields.reason, 'NEGATIVE_LENGTH');
  const closed = await serverLog.waitFor(event('connection.close'));
  assert.match(String(closed.fields.reason), /length/i);
});

test('calls over the slow-call threshold are warnings on both sides, with the method and duration but never the arguments or the answer', { timeout: 10_000 }, async (t) => {
  const serverLog = new MemoryLogger();
  const clientLog = new MemoryLogger();
  const release = deferred();
  const started = deferred();
  const provider = new ApiProvider({ host: '127.0.0.1', port: 0, logger: serverLog, serverOptions: { slowCallMs: 20 } });
  provider.register(Vault, {
    open: async (code) => {
      started.resolve();
      await release.promise;
      return `opened with ${code}`;
    },
  });
  const { addr } = await provider.start();
  const consumer = new ApiConsumer({ target: addr, clientOptions: { logger: clientLog, slowCallMs: 20 } });
  t.after(async () => {
    await consumer.close();
    await provider.close({ graceMs: 0 });
  });
  const answer = consumer.proxy(Vault).open(SECRET);
  // Released only once the call is certainly past the threshold on both sides.
  await started.promise;
  setTimeout(() => release.resolve(), 40);
  assert.equal(await answer, `opened with ${SECRET}`);
  const slowClient = await clientLog.waitFor(event('call.slow'));
  const slowServer = await serverLog.waitFor(event('call.slow'));
  for (const line of [slowClient, slowServer]) {
    assert.equal(line.level, 'warn');
    assert.equal(line.fields.method, 'com.acme.Vault/open');
    assert.equal(line.fields.thresholdMs, 20);
    assert.ok((line.fields.durationMs as number) >= 39, `duration ${String(line.fields.durationMs)}`);
    assert.equal(line.fields.responseCode, 0);
  }
  assert.equal(slowClient.fields.addr, addr);
  const everything = JSON.stringify([...clientLog.lines, ...serverLog.lines]);
  assert.ok(!everything.includes(SECRET), 'arguments and answers are never logged');
  // Under the threshold: nothing.
  release.resolve();
  const before = clientLog.lines.filter(event('call.slow')).length;
  await consumer.proxy(Vault).open('quick');
  assert.equal(clientLog.lines.filter(event('call.slow')).length, before);
});

test('registration changes of a provider are logged at info level', { timeout: 10_000 }, async (t) => {
  const log = new MemoryLogger();
  const written: string[] = [];
  const registration = {
    key: '/services/com.acme.Vault/127.0.0.1',
    register: async () => void written.push('register'),
    deregister: async () => void written.push('deregister'),
  };
  const provider = new ApiProvider({ host: '127.0.0.1', port: 0, logger: log, registrations: [registration] });
  t.after(() => provider.close({ graceMs: 0 }));
  await provider.start();
  const registered = await log.waitFor(event('registration.registered'));
  assert.deepEqual([registered.level, registered.fields.key, registered.fields.component], ['info', registration.key, 'api-provider']);
  assert.deepEqual(provider.registrationStates(), [{ key: registration.key, registered: true }]);
  await provider.close({ graceMs: 0 });
  const deregistered = await log.waitFor(event('registration.deregistered'));
  assert.equal(deregistered.fields.key, registration.key);
  assert.deepEqual(written, ['register', 'deregister']);
});

test('pino itself is accepted: its JSON lines carry the event fields and the child bindings', { timeout: 10_000 }, async (t) => {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const { client, addr } = await serverAndClient(t, logger, logger);
  await client.getChannel(addr);
  client.closeChannel(addr);
  const lines = (): Array<Record<string, unknown>> => chunks.join('').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  // pino writes synchronously to the sink: wait for the server to see the close.
  while (!lines().some((line) => line.event === 'connection.close' && line.component === 'remoting-server')) await new Promise<void>((resolve) => setImmediate(resolve));
  const open = lines().find((line) => line.event === 'connection.open' && line.component === 'remoting-client');
  assert.equal(open?.msg, 'connection opened');
  assert.equal(open?.level, 20);
  assert.equal(open?.remote, addr);
});
