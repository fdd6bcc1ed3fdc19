import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import * as v from 'valibot';
import { type } from 'arktype';
import { ApiConsumer, ApiProvider, defineContract, InMemoryNetwork, J, method, ProtocolError, RemoteError } from '../../src/index.js';

// A TypeScript-only service: Standard Schema validators instead of Java types.
const NewUser = z.object({ name: z.string().min(1), email: z.email(), age: z.number().int().nonnegative() });
const User = z.object({ id: z.string(), name: z.string(), email: z.string(), createdAt: z.string().transform((s) => new Date(s)) });
const Users = defineContract('ts.Users', {
  create: method([NewUser], User),
  rename: method([z.string(), v.pipe(v.string(), v.minLength(2))], v.object({ old: v.string(), renamed: v.string() })),
  score: method([type({ points: 'number.integer', 'bonus?': 'number' })], type('number')),
  checkedLater: method([z.string().refine(async (s) => s !== 'taken', { message: 'already taken' })], z.boolean()),
  big: method([z.bigint()], z.bigint()),
  broken: method([], z.object({ id: z.string() })),
  mixed: method([J.long, z.string()], J.String),
});

const network = new InMemoryNetwork();
const provider = new ApiProvider({ host: '127.0.0.1', port: 0 });
const consumer = new ApiConsumer({ target: 'users:1', clientOptions: { connector: network.connector } });
const calls: string[] = [];

before(() => {
  provider.register(Users, {
    create(user) {
      calls.push('create');
      return { id: `u-${user.age}`, name: user.name, email: user.email, createdAt: '2024-01-02T03:04:05.000Z' };
    },
    rename: (old, renamed) => ({ old, renamed }),
    score: ({ points, bonus }) => points + (bonus ?? 0),
    checkedLater: () => true,
    big: (n) => n * 2n,
    broken: () => ({ id: 42 }) as unknown as { id: string },
    mixed: (n, s) => `${n}:${s}`,
  });
  // In memory: the provider's server is never started and no socket is opened.
  network.listen('users:1', provider.server);
});
after(async () => {
  await consumer.close();
  await provider.close({ graceMs: 0 });
});

test('schema-typed methods work end to end over the in-memory transport (same codec path, no sockets)', async () => {
  const users = consumer.proxy(Users);
  const created = await users.create({ name: 'Ada', email: 'ada@example.com', age: 36 });
  assert.deepEqual(created, { id: 'u-36', name: 'Ada', email: 'ada@example.com', createdAt: new Date('2024-01-02T03:04:05.000Z') });
  assert.ok(created.createdAt instanceof Date);
  assert.deepEqual(await users.rename('a', 'bb'), { old: 'a', renamed: 'bb' });
  assert.equal(await users.score({ points: 3, bonus: 0.5 }), 3.5);
  assert.equal(await users.checkedLater('free'), true);
  assert.equal(await users.big(9007199254740993n), 18014398509481986n);
  assert.equal(await users.mixed(9007199254740993n, 'x'), '9007199254740993:x');
  assert.equal(consumer.client.connectedAddresses[0], 'users:1');
});

test('schema validation failures name the method, the argument position and the issue path', async () => {
  const users = consumer.proxy(Users);
  calls.length = 0;
  const bad = await users.create({ name: 'Ada', email: 'not-an-email', age: 36 }).catch((e: unknown) => e);
  assert.ok(bad instanceof RemoteError);
  assert.match(bad.detail!, /^java\.lang\.IllegalArgumentException: argument 0 \(schema\(zod\)\) of ts\.Users\.create: email: /);
  assert.deepEqual(calls, [], 'the implementation never ran');
  const short = await users.rename('a', 'b').catch((e: unknown) => e);
  assert.ok(short instanceof RemoteError);
  assert.match(short.detail!, /argument 1 \(schema\(valibot\)\) of ts\.Users\.rename: /);
  const ark = await users.score({ points: 1.5 }).catch((e: unknown) => e);
  assert.ok(ark instanceof RemoteError);
  assert.match(ark.detail!, /argument 0 \(schema\(arktype\)\) of ts\.Users\.score: points: /);
  const later = await users.checkedLater('taken').catch((e: unknown) => e);
  assert.ok(later instanceof RemoteError);
  assert.match(later.detail!, /argument 0 \(schema\(zod\)\) of ts\.Users\.checkedLater: already taken/);
});

test('a result that fails its schema is refused by the consumer', async () => {
  const error = await consumer.proxy(Users).broken().catch((e: unknown) => e);
  assert.ok(error instanceof ProtocolError);
  assert.equal(error.field, 'body');
  assert.match(error.message, /the result of ts\.Users\.broken from users:1 does not fit schema\(zod\): id: /);
});

test('schema arguments appear as java.lang.Object in the method signature', () => {
  assert.equal(Users.methodsByKey.get('mixed')?.signature, 'public abstract java.lang.String ts.Users.mixed(long,java.lang.Object)');
});
